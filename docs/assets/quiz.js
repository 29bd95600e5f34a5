// Check-yourself questions: turns each option of a .quiz (see hooks/quiz.py) into a button
// that says at once whether it is right and why. Without JavaScript the page keeps the
// plain list of options and the collapsible answer.
function enhanceQuizzes() {
  document.querySelectorAll(".quiz:not([data-enhanced])").forEach(function (quiz) {
    quiz.setAttribute("data-enhanced", "");
    var feedback = document.createElement("div");
    feedback.className = "quiz-feedback";
    feedback.setAttribute("role", "status");
    feedback.setAttribute("aria-live", "polite");
    var options = quiz.querySelectorAll(".quiz-option");
    options.forEach(function (option, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "quiz-choice";
      button.setAttribute("aria-pressed", "false");
      while (option.firstChild) button.appendChild(option.firstChild);
      option.appendChild(button);
      button.addEventListener("click", function () {
        var right = option.getAttribute("data-correct") === "true";
        quiz.querySelectorAll(".quiz-choice").forEach(function (other) {
          other.setAttribute("aria-pressed", "false");
          other.classList.remove("quiz-right", "quiz-wrong");
        });
        button.setAttribute("aria-pressed", "true");
        button.classList.add(right ? "quiz-right" : "quiz-wrong");
        var explanation = quiz.querySelector('.quiz-explanation[data-option="' + index + '"]');
        feedback.className = "quiz-feedback " + (right ? "quiz-right" : "quiz-wrong");
        feedback.innerHTML = explanation.innerHTML;
      });
    });
    quiz.querySelector(".quiz-options").after(feedback);
  });
}

// Material's instant navigation swaps pages without a reload; document$ fires on each.
if (typeof document$ !== "undefined") {
  document$.subscribe(enhanceQuizzes);
} else {
  document.addEventListener("DOMContentLoaded", enhanceQuizzes);
}
