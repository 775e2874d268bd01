/**
 * The report's only script: environment and type filters (the environment one narrows the
 * exceptions too). The URL query (?env=production&type=deploy) sets them on load so a filtered
 * view can be linked to, printed, or checked headless.
 * Plain ES2017 with no dependencies; it must never contain a closing script tag.
 */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var envSelect = document.getElementById('filter-env');
  var typeSelect = document.getElementById('filter-type');
  var rows = Array.prototype.slice.call(document.querySelectorAll('li.change'));
  var exceptionRows = Array.prototype.slice.call(document.querySelectorAll('tr.exception, ul.awaiting li'));
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.env'));
  var noMatch = document.getElementById('no-match');
  var note = document.getElementById('filter-note');

  function choose(select, value) {
    if (!value) return;
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    if (!known) {
      var option = document.createElement('option');
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    }
    select.value = value;
  }

  function apply() {
    var env = envSelect.value;
    var type = typeSelect.value;
    rows.forEach(function (row) {
      row.hidden = (env !== '' && row.getAttribute('data-env') !== env) ||
        (type !== '' && row.getAttribute('data-type') !== type);
    });
    // Exceptions follow the environment filter (an override has none: it shows only unfiltered).
    var exceptionsShown = 0;
    exceptionRows.forEach(function (row) {
      row.hidden = env !== '' && row.getAttribute('data-env') !== env;
      if (!row.hidden && row.tagName === 'TR') exceptionsShown++;
    });
    var shownNote = document.getElementById('exceptions-shown');
    if (shownNote) shownNote.textContent = env ? ' (' + exceptionsShown + ' in environment ' + env + ')' : '';
    var shown = 0;
    sections.forEach(function (section) {
      var visible = section.querySelectorAll('li.change:not([hidden])').length;
      section.hidden = visible === 0;
      section.querySelector('.count').textContent = visible + (visible === 1 ? ' change' : ' changes');
      shown += visible;
    });
    noMatch.hidden = shown !== 0;
    var parts = [];
    if (env) parts.push('environment ' + env);
    if (type) parts.push('type ' + type);
    note.textContent = parts.length ? 'Filtered: ' + parts.join(', ') + ' (' + shown + ' of ' + rows.length + ' changes)' : '';
  }

  function remember() {
    var params = new URLSearchParams(window.location.search);
    if (envSelect.value) params.set('env', envSelect.value); else params.delete('env');
    if (typeSelect.value) params.set('type', typeSelect.value); else params.delete('type');
    var query = params.toString();
    try {
      window.history.replaceState(null, '', query ? '?' + query : window.location.pathname);
    } catch (e) {
      // Some browsers refuse history changes on file: pages; the filter still applies.
    }
  }

  var query = new URLSearchParams(window.location.search);
  choose(envSelect, query.get('env'));
  choose(typeSelect, query.get('type'));
  [envSelect, typeSelect].forEach(function (select) {
    select.addEventListener('change', function () { apply(); remember(); });
  });
  document.getElementById('filter-reset').addEventListener('click', function () {
    envSelect.value = '';
    typeSelect.value = '';
    apply();
    remember();
  });
  apply();
})();
`;
