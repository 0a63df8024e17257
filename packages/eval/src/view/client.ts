// The viewer's script, inlined into the page. Plain browser JavaScript in a string (the page has no
// build step and loads nothing). Every text from the data reaches the page through textContent or
// createTextNode, never innerHTML; attributes set from data are plain data-/title attributes.
// Keep this free of backticks and dollar-brace: it is a String.raw template.

/** The viewer's browser script. */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var body = document.body;
  function fail(message) {
    body.setAttribute('data-error', String(message));
    var box = document.getElementById('fatal');
    if (box) {
      box.hidden = false;
      box.textContent = 'The viewer failed: ' + String(message);
    }
  }
  window.addEventListener('error', function (e) { fail(e.message || 'error'); });

  var data;
  try {
    data = JSON.parse(document.getElementById('sre-eval-data').textContent);
  } catch (e) {
    fail('the embedded data could not be read: ' + e);
    return;
  }

  // ---- DOM helpers: text only ever goes in as text nodes.
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] === undefined || attrs[k] === null || attrs[k] === false) continue;
        if (k === 'className') el.className = attrs[k];
        else if (k === 'hidden') el.hidden = true;
        else el.setAttribute(k, String(attrs[k]));
      }
    }
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function add(el, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { add(el, c); }); return; }
    if (typeof child === 'object' && child.nodeType) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function byId(id) { return document.getElementById(id); }
  function pct(x) { return Math.round(x * 100) + '%'; }
  function option(value, label, selected) {
    var o = h('option', { value: value }, label);
    if (selected) o.selected = true;
    return o;
  }

  var MARK = { pass: '\u2713', fail: '\u2717', error: '\u26a0' };
  var OUTCOME_LABEL = { pass: 'pass', fail: 'fail', error: 'error' };
  var CHANGE_LABEL = {
    'newly-failing': '\u25bc newly failing',
    fixed: '\u25b2 fixed',
    'still-failing': 'still failing',
    unchanged: 'unchanged',
    'new': 'new (not in baseline)'
  };

  // ---- state, kept in the URL hash (#run=<runId>&model=…&outcome=…) so a link reopens a view.
  var state = { report: data.current, model: '', scenario: '', outcome: '', tag: '', q: '', run: '' };
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    var r = p.get('report');
    if (r !== null && /^\d+$/.test(r) && +r < data.reports.length) state.report = +r;
    ['model', 'scenario', 'outcome', 'tag', 'q', 'run'].forEach(function (k) {
      var v = p.get(k);
      if (v !== null) state[k] = v;
    });
  }
  function writeHash() {
    var p = new URLSearchParams();
    if (data.reports.length > 1 && state.report !== data.current) p.set('report', String(state.report));
    ['model', 'scenario', 'outcome', 'tag', 'q', 'run'].forEach(function (k) { if (state[k]) p.set(k, state[k]); });
    var text = p.toString();
    try { history.replaceState(null, '', text ? '#' + text : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
  }

  function report() { return data.reports[state.report]; }
  function runsById(rep) {
    if (!rep._runs) { rep._runs = {}; rep.runs.forEach(function (r) { rep._runs[r.id] = r; }); }
    return rep._runs;
  }
  function scenarioInfo(rep, id) {
    for (var i = 0; i < rep.scenarios.length; i++) if (rep.scenarios[i].id === id) return rep.scenarios[i];
    return { id: id, title: '', tags: [], difficulty: '' };
  }

  // ---- search: over names, answers, errors, verdict details and the trace texts of a cell's runs.
  function haystack(rep, cell) {
    if (cell._hay !== undefined) return cell._hay;
    var s = scenarioInfo(rep, cell.scenario);
    var parts = [cell.scenario, s.title, cell.model, (s.tags || []).join(' '), s.difficulty];
    var runs = runsById(rep);
    cell.runs.forEach(function (id) {
      var r = runs[id];
      if (!r) return;
      parts.push(r.runId, r.answer || '', r.error || '', r.stoppedReason);
      [r.gates, r.checks, r.verifications].forEach(function (list) {
        list.forEach(function (c) { parts.push(c.name, c.detail); });
      });
      if (r.trace) r.trace.events.forEach(function (e) { parts.push(e.title, e.body || '', e.output || ''); });
    });
    cell._hay = parts.join('\n').toLowerCase();
    return cell._hay;
  }

  function cellShown(rep, cell) {
    if (state.model && cell.model !== state.model) return false;
    if (state.scenario && cell.scenario !== state.scenario) return false;
    if (state.tag) {
      var s = scenarioInfo(rep, cell.scenario);
      if ((s.tags || []).indexOf(state.tag) < 0 && s.difficulty !== state.tag) return false;
    }
    if (state.outcome) {
      if (state.outcome === 'changed') { if (cell.change !== 'newly-failing' && cell.change !== 'fixed') return false; }
      else if (state.outcome === 'newly-failing' || state.outcome === 'fixed') { if (cell.change !== state.outcome) return false; }
      else if (cell.outcome !== state.outcome) return false;
    }
    if (state.q && haystack(rep, cell).indexOf(state.q.toLowerCase()) < 0) return false;
    return true;
  }

  // ---- header, notes, gate
  function renderHeader() {
    var rep = report();
    var meta = byId('meta');
    clear(meta);
    add(meta, [
      h('span', null, 'report ', h('code', null, rep.source)),
      h('span', null, 'made ', rep.createdAt),
      h('span', null, 'eval ', rep.evalVersion, ' \u00b7 harness ', rep.harnessVersion),
      h('span', null, rep.runs.length + ' run(s) over ' + rep.scenarios.length + ' scenario(s)')
    ]);
    var pick = byId('report-pick');
    clear(pick);
    if (data.reports.length > 1) {
      var sel = h('select', { id: 'report-select', 'aria-label': 'report' });
      data.reports.forEach(function (r, i) {
        add(sel, option(String(i), (i + 1) + '. ' + r.createdAt + ' \u2014 ' + r.source, i === state.report));
      });
      sel.addEventListener('change', function () {
        state.report = +sel.value;
        state.run = '';
        renderAll();
      });
      add(pick, h('label', null, 'report shown: ', sel));
    }
    var gate = byId('gate');
    clear(gate);
    gate.className = rep.gate.ok ? 'gate ok' : 'gate bad';
    add(gate, h('strong', null, rep.gate.ok ? '\u2713 gate: OK' : '\u2717 gate: FAILED'));
    if (rep.gate.reasons.length) add(gate, h('ul', null, rep.gate.reasons.map(function (r) { return h('li', null, r); })));
    var cfg = byId('config');
    clear(cfg);
    add(cfg, h('pre', null, JSON.stringify({ config: rep.config, shards: rep.shards }, null, 2)));
    var notes = byId('notes');
    clear(notes);
    var all = data.notes.slice();
    var cut = rep.runs.filter(function (r) { return r.trace && r.trace.notes.length; }).length;
    if (cut) all.push(cut + ' run(s) have trace notes (cut, missing or left out); see each run.');
    all.forEach(function (n) { add(notes, h('p', { className: 'note' }, n)); });
  }

  function renderModels() {
    var rep = report();
    var box = byId('models');
    clear(box);
    var t = h('table', { className: 'models' },
      h('thead', null, h('tr', null, h('th', null, 'model'), h('th', null, 'role'), h('th', null, 'passed'), h('th', null, 'rate'))));
    var tb = h('tbody');
    rep.byModel.forEach(function (m) {
      add(tb, h('tr', null, h('td', null, m.model), h('td', null, m.role), h('td', null, m.passed + '/' + m.runs),
        h('td', null, h('span', { className: 'bar' }, h('span', { className: 'fill', style: 'width:' + Math.round(m.passRate * 100) + '%' })), ' ', pct(m.passRate))));
    });
    add(t, tb);
    add(box, t);
  }

  // ---- the pass rate per model across several reports, as an inline SVG line chart.
  var SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs) {
    var el = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) el.setAttribute(k, String(attrs[k]));
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === undefined || c === null) continue;
      if (typeof c === 'object' && c.nodeType) el.appendChild(c);
      else el.appendChild(document.createTextNode(String(c)));
    }
    return el;
  }
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  function renderTrend() {
    var box = byId('trend');
    clear(box);
    if (data.reports.length < 2) { box.hidden = true; return; }
    box.hidden = false;
    add(box, h('h2', null, 'Pass rate per model across ' + data.reports.length + ' reports'));
    var models = [];
    data.reports.forEach(function (r) { r.byModel.forEach(function (m) { if (models.indexOf(m.model) < 0) models.push(m.model); }); });
    models.sort();
    var W = 760, H = 260, L = 56, R = 56, T = 16, B = 56;
    var n = data.reports.length;
    var x = function (i) { return L + (n === 1 ? 0 : i * (W - L - R) / (n - 1)); };
    var y = function (v) { return T + (1 - v) * (H - T - B); };
    var svg = s('svg', { id: 'trend-chart', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-label': 'pass rate per model per report' });
    [0, 0.25, 0.5, 0.75, 1].forEach(function (v) {
      svg.appendChild(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#ddd' }));
      svg.appendChild(s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, pct(v)));
    });
    data.reports.forEach(function (r, i) {
      svg.appendChild(s('text', { x: x(i), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#555' }, '#' + (i + 1)));
      svg.appendChild(s('text', { x: x(i), y: H - B + 30, 'text-anchor': 'middle', 'font-size': 10, fill: '#777' }, r.createdAt.slice(0, 16).replace('T', ' ')));
    });
    models.forEach(function (model, mi) {
      var color = PALETTE[mi % PALETTE.length];
      var pts = [];
      data.reports.forEach(function (r, i) {
        r.byModel.forEach(function (m) { if (m.model === model) pts.push({ i: i, m: m }); });
      });
      if (pts.length > 1) {
        svg.appendChild(s('polyline', {
          points: pts.map(function (p) { return x(p.i) + ',' + y(p.m.passRate); }).join(' '),
          fill: 'none', stroke: color, 'stroke-width': 2, 'class': 'trend-line', 'data-model': model
        }));
      }
      pts.forEach(function (p) {
        svg.appendChild(s('circle', { cx: x(p.i), cy: y(p.m.passRate), r: 4, fill: color, 'class': 'trend-point', 'data-model': model, 'data-rate': p.m.passRate },
          s('title', {}, model + ': ' + p.m.passed + '/' + p.m.runs + ' (' + pct(p.m.passRate) + ') in ' + data.reports[p.i].source + ', ' + data.reports[p.i].createdAt)));
      });
    });
    add(box, svg);
    var legend = h('ul', { className: 'legend' });
    models.forEach(function (model, mi) {
      add(legend, h('li', null, h('span', { className: 'swatch', style: 'background:' + PALETTE[mi % PALETTE.length] }), model));
    });
    add(box, legend);
    var tbl = h('table', { className: 'trend-table' });
    var head = h('tr', null, h('th', null, 'model'));
    data.reports.forEach(function (r, i) { add(head, h('th', { title: r.source }, '#' + (i + 1))); });
    add(tbl, h('thead', null, head));
    var tb = h('tbody');
    models.forEach(function (model) {
      var tr = h('tr', null, h('td', null, model));
      data.reports.forEach(function (r) {
        var m = r.byModel.filter(function (x) { return x.model === model; })[0];
        add(tr, h('td', null, m ? pct(m.passRate) + ' (' + m.passed + '/' + m.runs + ')' : '\u2014'));
      });
      add(tb, tr);
    });
    add(tbl, tb);
    add(box, h('details', null, h('summary', null, 'as a table'), tbl));
  }

  // ---- comparison with the baseline
  function renderBaseline() {
    var box = byId('baseline');
    clear(box);
    var rep = report();
    if (!data.baseline) { box.hidden = true; return; }
    box.hidden = false;
    add(box, h('h2', null, 'Compared with the baseline'));
    add(box, h('p', null, 'baseline ', h('code', null, data.baseline.source), ' made ', data.baseline.createdAt));
    var count = { 'newly-failing': 0, fixed: 0, 'still-failing': 0, unchanged: 0, 'new': 0 };
    rep.cells.forEach(function (c) { if (c.change) count[c.change]++; });
    add(box, h('p', { className: 'changes' },
      h('span', { className: 'chg newly-failing', id: 'count-newly-failing' }, count['newly-failing'] + ' newly failing'), ' \u00b7 ',
      h('span', { className: 'chg fixed', id: 'count-fixed' }, count.fixed + ' fixed'), ' \u00b7 ',
      count['still-failing'] + ' still failing \u00b7 ', count.unchanged + ' unchanged \u00b7 ', count['new'] + ' new'));
    var changed = rep.cells.filter(function (c) { return c.change === 'newly-failing' || c.change === 'fixed'; });
    if (changed.length) {
      var ul = h('ul', { className: 'changed-cells' });
      changed.forEach(function (c) {
        var b = h('button', { type: 'button', className: 'linkish' }, c.scenario + ' \u00b7 ' + c.model);
        b.addEventListener('click', function () { openRun(c.runs[0]); });
        add(ul, h('li', { className: 'chg ' + c.change }, CHANGE_LABEL[c.change] + ': ', b,
          ' (was ' + OUTCOME_LABEL[c.baseline] + ', now ' + OUTCOME_LABEL[c.outcome] + ')'));
      });
      add(box, ul);
    }
    var cmp = rep.comparison;
    if (cmp) {
      if (cmp.regressions.length) {
        add(box, h('h3', null, 'Metric regressions (as sre-eval compare counts them)'));
        add(box, h('ul', null, cmp.regressions.map(function (d) {
          return h('li', { className: 'chg newly-failing' }, d.scenario + ' / ' + d.model + ' ' + d.metric + ': ' + fmt(d.baseline) + ' \u2192 ' + fmt(d.current));
        })));
      } else add(box, h('p', null, 'No metric regressed (sre-eval compare, no tolerance). ' + cmp.improvements + ' metric(s) improved.'));
      if (cmp.onlyInBaseline.length) add(box, h('p', null, 'Only in the baseline (not run now): ' + cmp.onlyInBaseline.join(', ')));
    }
  }
  function fmt(v) { return v === null || v === undefined ? '-' : String(Math.round(v * 1000) / 1000); }

  // ---- filters
  function renderFilters() {
    var rep = report();
    var box = byId('filters');
    clear(box);
    function select(id, label, key, values) {
      var sel = h('select', { id: id, 'aria-label': label });
      add(sel, option('', 'all ' + label + 's', !state[key]));
      values.forEach(function (v) { add(sel, option(v[0], v[1], state[key] === v[0])); });
      sel.addEventListener('change', function () { state[key] = sel.value; renderGrid(); writeHash(); });
      return h('label', null, label + ' ', sel);
    }
    var tags = [];
    rep.scenarios.forEach(function (sc) {
      (sc.tags || []).concat(sc.difficulty ? [sc.difficulty] : []).forEach(function (t) { if (tags.indexOf(t) < 0) tags.push(t); });
    });
    tags.sort();
    var scen = [];
    rep.cells.forEach(function (c) { if (scen.indexOf(c.scenario) < 0) scen.push(c.scenario); });
    var outcomes = [['pass', MARK.pass + ' pass'], ['fail', MARK.fail + ' fail'], ['error', MARK.error + ' error']];
    if (data.baseline) outcomes = outcomes.concat([['changed', 'changed vs baseline'], ['newly-failing', 'newly failing'], ['fixed', 'fixed']]);
    add(box, [
      select('f-model', 'model', 'model', rep.models.map(function (m) { return [m, m]; })),
      select('f-scenario', 'scenario', 'scenario', scen.map(function (x) { return [x, x]; })),
      select('f-outcome', 'outcome', 'outcome', outcomes),
      select('f-tag', 'tag', 'tag', tags.map(function (t) { return [t, t]; }))
    ]);
    var q = h('input', { id: 'f-q', type: 'search', placeholder: 'search names, answers, details, traces', 'aria-label': 'search' });
    q.value = state.q;
    var timer = null;
    q.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = q.value.trim(); renderGrid(); writeHash(); }, 150);
    });
    add(box, h('label', { className: 'search' }, 'search ', q));
    var reset = h('button', { type: 'button', id: 'f-reset' }, 'clear filters');
    reset.addEventListener('click', function () {
      state.model = state.scenario = state.outcome = state.tag = state.q = '';
      renderFilters(); renderGrid(); writeHash();
    });
    add(box, reset);
    add(box, h('span', { id: 'shown-count', className: 'muted' }));
  }

  // ---- the scenario x model grid
  function renderGrid() {
    var rep = report();
    var box = byId('grid');
    clear(box);
    var models = rep.models.filter(function (m) { return !state.model || m === state.model; });
    var cellAt = {};
    rep.cells.forEach(function (c) { cellAt[c.scenario + '\u0000' + c.model] = c; });
    var scen = [];
    rep.cells.forEach(function (c) { if (scen.indexOf(c.scenario) < 0) scen.push(c.scenario); });
    var table = h('table', { className: 'grid', id: 'grid-table' });
    var head = h('tr', null, h('th', { className: 'corner' }, 'scenario \\ model'));
    models.forEach(function (m) { add(head, h('th', { scope: 'col', className: 'model' }, m)); });
    add(table, h('thead', null, head));
    var tb = h('tbody');
    var shown = 0, total = rep.cells.length;
    scen.forEach(function (sid) {
      var info = scenarioInfo(rep, sid);
      var row = h('tr', { 'data-scenario': sid });
      var any = false;
      add(row, h('th', { scope: 'row', className: 'scenario' },
        h('div', { className: 'sid' }, sid),
        info.title ? h('div', { className: 'stitle' }, info.title) : null,
        h('div', { className: 'tags' }, [info.difficulty].concat(info.tags || []).filter(Boolean).map(function (t) { return h('span', { className: 'tag' }, t); }))));
      models.forEach(function (m) {
        var c = cellAt[sid + '\u0000' + m];
        if (!c) { add(row, h('td', { className: 'cell none' }, '\u2014')); return; }
        if (!cellShown(rep, c)) { add(row, h('td', { className: 'cell filtered' })); return; }
        any = true;
        shown++;
        var label = MARK[c.outcome] + ' ' + OUTCOME_LABEL[c.outcome] + (c.trials > 1 ? ' ' + c.passes + '/' + c.trials : '');
        var b = h('button', {
          type: 'button',
          className: 'cellbtn ' + c.outcome,
          'data-outcome': c.outcome,
          'data-scenario': c.scenario,
          'data-model': c.model,
          'data-change': c.change,
          title: c.scenario + ' \u00b7 ' + c.model + ': ' + OUTCOME_LABEL[c.outcome] + (c.change ? ' (' + CHANGE_LABEL[c.change] + ')' : '')
        }, h('span', { className: 'mark' }, label));
        if (c.change === 'newly-failing' || c.change === 'fixed') add(b, h('span', { className: 'chg ' + c.change }, CHANGE_LABEL[c.change]));
        b.addEventListener('click', function () { openRun(pickRun(rep, c)); });
        add(row, h('td', { className: 'cell ' + c.outcome }, b));
      });
      if (any) add(tb, row);
    });
    add(table, tb);
    add(box, table);
    if (shown === 0) add(box, h('p', { className: 'empty' }, 'No cell matches the filters.'));
    var count = byId('shown-count');
    if (count) count.textContent = 'showing ' + shown + ' of ' + total + ' cell(s)';
  }
  // The first failing trial of a cell, else its first.
  function pickRun(rep, c) {
    var runs = runsById(rep);
    for (var i = 0; i < c.runs.length; i++) if (runs[c.runs[i]] && runs[c.runs[i]].outcome !== 'pass') return c.runs[i];
    return c.runs[0];
  }

  // ---- one run: verdicts, scores, and its trace as a timeline
  function findRun(key) {
    var rep = report();
    var runs = runsById(rep);
    if (runs[key]) return { rep: rep, run: runs[key] };
    for (var i = 0; i < rep.runs.length; i++) if (rep.runs[i].runId === key) return { rep: rep, run: rep.runs[i] };
    for (var j = 0; j < data.reports.length; j++) {
      var other = data.reports[j];
      for (var k = 0; k < other.runs.length; k++) {
        if (other.runs[k].id === key || other.runs[k].runId === key) { state.report = j; return { rep: other, run: other.runs[k], switched: true }; }
      }
    }
    return null;
  }
  function openRun(key) {
    var found = findRun(key);
    if (!found) return;
    if (found.switched) { state.run = found.run.runId; renderAll(); return; }
    state.run = found.run.runId;
    writeHash();
    renderRun(found.rep, found.run);
    var panel = byId('run');
    if (panel.scrollIntoView) panel.scrollIntoView({ block: 'start' });
  }
  function closeRun() {
    state.run = '';
    writeHash();
    var panel = byId('run');
    clear(panel);
    panel.hidden = true;
  }
  function verdictTable(title, list, gates) {
    if (!list.length) return h('div', null, h('h3', null, title), h('p', { className: 'muted' }, 'none'));
    var tb = h('tbody');
    list.forEach(function (c) {
      var status = c.passed ? 'pass' : 'fail';
      add(tb, h('tr', { className: status },
        h('td', { className: 'v ' + status }, c.passed ? MARK.pass + (gates ? ' held' : ' passed') : MARK.fail + ' FAILED'),
        h('td', null, c.name),
        gates ? h('td', null, c.exercised === false ? 'not exercised' : 'exercised', c.count ? ' (' + c.count + ')' : '') : null,
        h('td', { className: 'detail' }, c.detail)));
    });
    return h('div', null, h('h3', null, title), h('table', { className: 'verdicts' + (gates ? ' gates' : '') }, tb));
  }
  function stopsList(stops) {
    var items = Object.keys(stops).filter(function (k) {
      var v = stops[k];
      return Array.isArray(v) ? v.length > 0 : !!v;
    });
    if (!items.length) return h('p', { className: 'muted' }, 'nothing');
    return h('ul', { className: 'stops' }, items.map(function (k) {
      var v = stops[k];
      return h('li', null, k + ': ' + (Array.isArray(v) ? v.join(', ') : String(v)));
    }));
  }
  function scoreText(v) { return v === null ? 'n/a' : v ? MARK.pass + ' yes' : MARK.fail + ' no'; }
  function renderRun(rep, run) {
    var panel = byId('run');
    clear(panel);
    panel.hidden = false;
    panel.setAttribute('data-run', run.runId);
    var close = h('button', { type: 'button', className: 'close', id: 'run-close' }, 'close \u2715');
    close.addEventListener('click', closeRun);
    add(panel, h('div', { className: 'runhead' },
      h('h2', null, h('span', { className: 'badge ' + run.outcome }, MARK[run.outcome] + ' ' + OUTCOME_LABEL[run.outcome]), ' ', run.scenario, ' \u00b7 ', run.model),
      close));
    var siblings = rep.cells.filter(function (c) { return c.scenario === run.scenario && c.model === run.model; })[0];
    if (siblings && siblings.runs.length > 1) {
      var trials = h('div', { className: 'trials' }, 'trials: ');
      var byId2 = runsById(rep);
      siblings.runs.forEach(function (id) {
        var r = byId2[id];
        var b = h('button', { type: 'button', className: 'trial ' + r.outcome + (r.id === run.id ? ' current' : '') }, MARK[r.outcome] + ' #' + r.trial);
        b.addEventListener('click', function () { openRun(r.id); });
        add(trials, b);
      });
      add(panel, trials);
    }
    var cell = siblings;
    if (cell && cell.change) add(panel, h('p', { className: 'chg ' + cell.change }, 'against the baseline: ' + CHANGE_LABEL[cell.change] + (cell.baseline ? ' (was ' + OUTCOME_LABEL[cell.baseline] + ')' : '')));
    var facts = h('dl', { className: 'facts' });
    [['run id', run.runId], ['role', run.role], ['trial', String(run.trial)], ['harness', run.harness], ['stopped', run.stoppedReason], ['error code', run.errorCode],
      ['steps', String(run.steps)], ['tokens', run.usage.inputTokens + ' in / ' + run.usage.outputTokens + ' out' + (run.usage.costUsd !== undefined ? ' \u00b7 $' + run.usage.costUsd : '')],
      ['wall', Math.round(run.wallMs) + ' ms'], ['mutations executed', String(run.mutationsExecuted)]].forEach(function (f) {
      if (f[1] === undefined) return;
      add(facts, [h('dt', null, f[0]), h('dd', null, f[1])]);
    });
    add(panel, facts);
    if (run.error) add(panel, h('div', { className: 'errorbox' }, h('strong', null, 'error: '), h('pre', null, run.error)));
    var sc = h('table', { className: 'scores' }, h('tbody', null,
      ['diagnosis', 'evidence', 'safety', 'resolution'].map(function (k) {
        var v = run.scores[k];
        return h('tr', { className: v === null ? 'na' : v ? 'pass' : 'fail' }, h('th', null, k), h('td', null, scoreText(v)));
      })));
    add(panel, h('div', { className: 'cols' },
      h('div', null, h('h3', null, 'Scores'), sc),
      h('div', null, h('h3', null, 'What the harness stopped'), stopsList(run.stops))));
    if (run.judge) add(panel, h('p', null, h('strong', null, 'judge (' + run.judge.model + '): '), scoreText(run.judge.passed), ' \u2014 ', run.judge.reason));
    add(panel, h('h3', null, 'Answer'));
    add(panel, run.answer === null ? h('p', { className: 'muted' }, 'no answer') : h('pre', { className: 'answer' }, run.answer));
    add(panel, verdictTable('Gate verdicts', run.gates, true));
    add(panel, verdictTable('Checks', run.checks, false));
    add(panel, verdictTable('Verifications', run.verifications, false));
    add(panel, renderTimeline(run));
  }
  var TONE_LABEL = {
    start: 'start', decision: 'decision', call: 'call', mutation: 'mutation', approval: 'approval', denied: 'denied',
    refusal: 'refusal', result: 'result', error: 'error', 'final': 'final', 'verify-pass': 'verify', 'verify-fail': 'verify failed',
    stop: 'stop', info: 'info', gap: 'cut'
  };
  var LOUD = { mutation: 1, approval: 1, denied: 1, refusal: 1, error: 1, 'verify-fail': 1, gap: 1 };
  function renderTimeline(run) {
    var box = h('section', { className: 'trace', id: 'timeline' });
    add(box, h('h3', null, 'Trace'));
    if (!run.trace) {
      add(box, h('p', { className: 'muted' }, 'No trace for this run: run the eval with --trace-dir <dir> to keep traces, then view the report again.'));
      return box;
    }
    add(box, h('p', { className: 'muted' }, run.trace.file + ' \u00b7 ' + run.trace.total + ' event(s)'));
    run.trace.notes.forEach(function (n) { add(box, h('p', { className: 'note' }, n)); });
    var counts = {};
    run.trace.events.forEach(function (e) { counts[e.tone] = (counts[e.tone] || 0) + 1; });
    var legend = h('p', { className: 'tones' });
    ['mutation', 'approval', 'denied', 'refusal', 'error', 'verify-fail'].forEach(function (t) {
      if (counts[t]) add(legend, h('span', { className: 'tone ' + t }, TONE_LABEL[t] + ' \u00d7 ' + counts[t]));
    });
    add(box, legend);
    var loudOnly = h('input', { type: 'checkbox', id: 'loud-only' });
    var expand = h('button', { type: 'button', id: 'expand-all' }, 'expand all outputs');
    var list = h('ol', { className: 'timeline' });
    add(box, h('p', { className: 'controls' }, h('label', null, loudOnly, ' only approvals, refusals, mutations and errors'), ' ', expand));
    run.trace.events.forEach(function (e) {
      var li = h('li', { className: 'ev ' + e.tone + (LOUD[e.tone] ? ' loud' : ''), 'data-kind': e.kind, 'data-tone': e.tone });
      add(li, h('div', { className: 'evhead' },
        h('span', { className: 'seq' }, e.seq >= 0 ? '#' + e.seq : ''),
        h('span', { className: 'step' }, e.step !== undefined ? 'step ' + e.step : ''),
        h('span', { className: 'tone ' + e.tone }, TONE_LABEL[e.tone] || e.tone),
        h('span', { className: 'title' }, e.title),
        h('span', { className: 'ts muted' }, e.ts ? e.ts.replace(/^.*T/, '') : '')));
      if (e.body) add(li, h('pre', { className: 'body' }, e.body));
      if (e.output !== undefined) {
        add(li, h('details', { className: 'output' },
          h('summary', null, 'output (' + e.output.length + ' characters)'),
          h('pre', null, e.output)));
      }
      add(list, li);
    });
    loudOnly.addEventListener('change', function () {
      list.className = loudOnly.checked ? 'timeline loud-only' : 'timeline';
    });
    var open = false;
    expand.addEventListener('click', function () {
      open = !open;
      list.querySelectorAll('details.output').forEach(function (d) { d.open = open; });
      expand.textContent = open ? 'collapse all outputs' : 'expand all outputs';
    });
    add(box, list);
    return box;
  }

  function renderAll() {
    renderHeader();
    renderModels();
    renderTrend();
    renderBaseline();
    renderFilters();
    renderGrid();
    var panel = byId('run');
    clear(panel);
    panel.hidden = true;
    if (state.run) {
      var found = findRun(state.run);
      if (found && found.switched) { renderAll(); return; }
      if (found) renderRun(found.rep, found.run);
    }
    writeHash();
  }

  readHash();
  renderAll();
  window.addEventListener('hashchange', function () { readHash(); renderAll(); });
  body.setAttribute('data-ready', '1');
})();
`;
