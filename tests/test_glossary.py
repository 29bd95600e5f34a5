"""The glossary: one source (includes/glossary.yml) for the glossary page and the abbreviation
tooltips; every entry is one sentence and links to the page that teaches it."""

import html
import importlib.util
import re
import sys

import pytest
from mkdocs.exceptions import PluginError

from conftest import DOCS, REPO

spec = importlib.util.spec_from_file_location("glossary_for_tests", REPO / "hooks" / "glossary.py")
glossary = importlib.util.module_from_spec(spec)
sys.modules["glossary_for_tests"] = glossary
spec.loader.exec_module(glossary)

ENTRIES = glossary.load_entries(glossary.SOURCE, DOCS)


def test_every_entry_is_on_the_glossary_page_with_its_link_and_other_names(built_site):
    page = (built_site / "glossary" / "index.html").read_text()
    for entry in ENTRIES:
        section = re.search(rf'<h2 id="{entry["id"]}">(.*?)(?=<h2 |</article>)', page, re.DOTALL)
        assert section, f"{entry['term']}: no section #{entry['id']} on the glossary page"
        text = html.unescape(re.sub(r"<[^>]+>", "", section.group(1)))
        assert entry["term"] in text
        assert " ".join(entry["definition"].split()) in " ".join(text.split())
        for name in entry["aka"] + entry["spellings"]:
            assert name in text, f"{entry['term']}: the other name or spelling {name!r} is missing"
        target = entry["taught"].replace(".md", "/").replace("index/", "")
        assert f'href="../{target}"' in section.group(1), f"{entry['term']}: no link to {entry['taught']}"


def test_terms_are_in_alphabetical_order(built_site):
    page = (built_site / "glossary" / "index.html").read_text()
    ids = re.findall(r'<h2 id="([^"]+)"', page)
    assert ids == [entry["id"] for entry in ENTRIES]
    terms = [entry["term"].lower() for entry in ENTRIES]
    assert terms == sorted(terms)


def test_abbreviations_become_tooltips_on_the_pages_that_use_them(built_site):
    objective = (built_site / "sft" / "objective" / "index.html").read_text()
    sft = next(entry for entry in ENTRIES if entry.get("abbr") == "SFT")
    assert f'<abbr title="{html.escape(glossary.tooltip(sft), quote=True)}">SFT</abbr>' in objective
    preferences = (built_site / "limits" / "from-demonstrations-to-preferences" / "index.html").read_text()
    assert re.search(r'<abbr title="Direct preference optimization: [^"]+">DPO</abbr>', preferences)


def test_the_old_copy_of_the_abbreviations_is_gone():
    """One source: the abbreviations are not typed a second time anywhere."""
    assert not (REPO / "includes" / "glossary.md").exists()
    assert "auto_append" not in (REPO / "mkdocs.yml").read_text()


@pytest.mark.parametrize(("entry", "message"), [
    ({"term": "Thing", "definition": "One. Two.", "taught": "index.md"}, "one sentence"),
    ({"term": "Thing", "definition": "No full stop", "taught": "index.md"}, "one sentence"),
    ({"term": "Thing", "definition": "A thing.", "taught": "nowhere.md#x"}, "docs/nowhere.md does not exist"),
    ({"term": "Thing", "definition": "A thing."}, "missing ['taught']"),
    ({"term": "Thing", "definition": "A thing.", "taught": "index.md", "colour": "red"}, "unknown keys ['colour']"),
])
def test_a_bad_entry_stops_the_build_naming_the_file_and_the_term(tmp_path, entry, message):
    source = tmp_path / "includes" / "glossary.yml"
    source.parent.mkdir()
    import yaml

    source.write_text(yaml.safe_dump([entry]))
    with pytest.raises(PluginError) as error:
        glossary.load_entries(source, DOCS)
    assert "glossary.yml" in str(error.value) and "Thing" in str(error.value)
    assert message in str(error.value)


def test_a_yaml_mistake_stops_the_build_naming_the_file_and_the_line(tmp_path):
    source = tmp_path / "includes" / "glossary.yml"
    source.parent.mkdir()
    source.write_text("- term: Thing\n  definition: A thing.\n  taught: [index.md\n- term: Other\n")
    with pytest.raises(PluginError) as error:
        glossary.load_entries(source, DOCS)
    assert re.match(r"\S*glossary\.yml, line [45]: not valid YAML: ", str(error.value)), str(error.value)
