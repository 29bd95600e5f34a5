{#- The print edition's cover (mkdocs-print-site-plugin's cover_page_template): the course, the
    edition and its date (hooks/edition.py), where the site and every edition are. -#}
{%- set edition = config.extra.edition -%}
<div class="course-cover">
  <h1>{{ config.site_name }}</h1>
  <p>{{ config.site_description }}</p>
  <p class="course-cover-edition" data-edition="{{ edition.label | e }}">Edition
    <strong><span class="course-edition">{{ edition.label | e }}</span></strong></p>
  <table>
    <tr><td>Online</td><td><a href="{{ config.site_url }}">{{ config.site_url }}</a></td></tr>
    {%- if config.repo_url %}
    <tr><td>Every edition</td><td><a href="{{ config.repo_url }}/releases">{{ config.repo_url }}/releases</a></td></tr>
    {%- endif %}
    <tr><td>Authors</td><td>{{ config.site_author }}</td></tr>
    <tr><td>Licence</td><td>{{ config.copyright }}</td></tr>
  </table>
</div>
