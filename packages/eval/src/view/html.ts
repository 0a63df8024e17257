import { CLIENT_SCRIPT } from './client.js';
import { buildViewData, embedJson, type ViewData, type ViewInput, type ViewOptions } from './data.js';

// One self-contained HTML file: inline CSS and script, the data as JSON in a
// <script type="application/json">, nothing fetched, no server. A Content-Security-Policy in the
// page allows only its own inline style and script and no network at all.

const STYLE = `
:root { --pass: #1a7f37; --fail: #cf222e; --error: #9a6700; --muted: #6e7781; --line: #d0d7de; --bg2: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #fff; }
header, main { padding: 12px 20px; }
header { border-bottom: 1px solid var(--line); background: var(--bg2); }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 18px 0 8px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { white-space: pre-wrap; word-break: break-word; background: var(--bg2); border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px; margin: 4px 0; max-height: 420px; overflow: auto; }
pre.small { max-height: 200px; }
#meta { display: flex; flex-wrap: wrap; gap: 4px 18px; color: var(--muted); }
.muted { color: var(--muted); }
.note { color: var(--error); margin: 4px 0; }
.gate { margin: 8px 0 0; padding: 6px 10px; border-radius: 4px; }
.gate.ok { background: #dafbe1; } .gate.bad { background: #ffebe9; }
.gate ul { margin: 4px 0 0; padding-left: 20px; }
#fatal { background: #ffebe9; color: var(--fail); padding: 10px 20px; font-weight: 600; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--bg2); }
.bar { display: inline-block; width: 80px; height: 8px; background: #eee; border-radius: 4px; vertical-align: middle; overflow: hidden; }
.bar .fill { display: block; height: 100%; background: var(--pass); }
#filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; padding: 8px 0; position: sticky; top: 0; background: #fff; z-index: 2; border-bottom: 1px solid var(--line); }
#filters input[type=search] { width: 280px; }
.grid-wrap { overflow: auto; max-width: 100%; }
table.grid th.model { writing-mode: initial; font-weight: 600; white-space: nowrap; }
table.grid th.scenario { min-width: 220px; font-weight: normal; }
.sid { font-weight: 600; } .stitle { color: var(--muted); font-size: 12px; }
.tag { display: inline-block; font-size: 11px; background: #ddf4ff; border-radius: 8px; padding: 0 6px; margin: 2px 3px 0 0; }
td.cell { text-align: center; padding: 2px; min-width: 96px; }
td.cell.none, td.cell.filtered { color: #bbb; background: #fafafa; }
.cellbtn { cursor: pointer; width: 100%; border: 1px solid transparent; border-radius: 4px; padding: 6px 4px; font: inherit; font-weight: 600; }
.cellbtn.pass { background: #dafbe1; color: var(--pass); }
.cellbtn.fail { background: #ffebe9; color: var(--fail); border-color: #ff8182; }
.cellbtn.error { background: #fff8c5; color: var(--error); border: 1px dashed var(--error); }
.cellbtn:hover, .cellbtn:focus { outline: 2px solid #0969da; }
.cellbtn .chg { display: block; font-size: 11px; font-weight: 600; }
.chg.newly-failing { color: var(--fail); } .chg.fixed { color: var(--pass); }
.badge { border-radius: 4px; padding: 1px 8px; }
.badge.pass { background: #dafbe1; color: var(--pass); } .badge.fail { background: #ffebe9; color: var(--fail); } .badge.error { background: #fff8c5; color: var(--error); }
#run { border: 2px solid #0969da; border-radius: 6px; padding: 8px 14px; margin: 16px 0; }
.runhead { display: flex; justify-content: space-between; align-items: center; }
.trials button { margin-right: 4px; } .trial.current { outline: 2px solid #0969da; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.cols { display: flex; gap: 24px; flex-wrap: wrap; }
tr.pass td.v, tr.pass td { } td.v.pass { color: var(--pass); white-space: nowrap; } td.v.fail { color: var(--fail); font-weight: 700; white-space: nowrap; }
tr.fail { background: #fff5f5; }
td.detail { font-size: 12px; }
table.scores tr.pass td { color: var(--pass); } table.scores tr.fail td { color: var(--fail); font-weight: 700; } table.scores tr.na td { color: var(--muted); }
.errorbox { border-left: 4px solid var(--error); padding-left: 8px; }
ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
ol.timeline li.ev { margin: 0 0 6px; padding: 4px 8px 4px 12px; position: relative; border-radius: 0 4px 4px 0; }
ol.timeline li.ev::before { content: ""; position: absolute; left: -8px; top: 10px; width: 11px; height: 11px; border-radius: 50%; background: #8c959f; border: 2px solid #fff; }
ol.timeline.loud-only li.ev:not(.loud) { display: none; }
li.ev.mutation { background: #fff1e5; border-left: 4px solid #bc4c00; } li.ev.mutation::before { background: #bc4c00; }
li.ev.approval { background: #ddf4ff; border-left: 4px solid #0969da; } li.ev.approval::before { background: #0969da; }
li.ev.denied, li.ev.refusal { background: #ffebe9; border-left: 4px solid var(--fail); } li.ev.denied::before, li.ev.refusal::before { background: var(--fail); }
li.ev.error, li.ev.verify-fail { background: #fff8c5; border-left: 4px solid var(--error); } li.ev.error::before, li.ev.verify-fail::before { background: var(--error); }
li.ev.final::before, li.ev.verify-pass::before { background: var(--pass); }
li.ev.gap { color: var(--muted); font-style: italic; }
.evhead { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.evhead .seq, .evhead .step { color: var(--muted); font-size: 12px; min-width: 34px; }
.tone { font-size: 11px; text-transform: uppercase; letter-spacing: .03em; border-radius: 3px; padding: 0 5px; background: #eaeef2; }
.tone.mutation { background: #bc4c00; color: #fff; } .tone.approval { background: #0969da; color: #fff; }
.tone.denied, .tone.refusal { background: var(--fail); color: #fff; } .tone.error, .tone.verify-fail { background: var(--error); color: #fff; }
.tones .tone { margin-right: 6px; font-size: 12px; }
.evhead .title { font-weight: 600; }
details.output summary { cursor: pointer; color: #0969da; font-size: 12px; }
button.linkish { background: none; border: 0; color: #0969da; cursor: pointer; padding: 0; font: inherit; text-decoration: underline; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px; vertical-align: middle; }
.empty { color: var(--muted); font-style: italic; }
`;

/** A page from view data. */
export function renderViewPage(data: ViewData): string {
  const report = data.reports[data.current];
  const title = report ? `sre-eval report — ${report.createdAt.replace(/[<>&]/g, '')}` : 'sre-eval report';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="@sre-harness/eval view">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<noscript><p>This report needs JavaScript to show its runs; the data is in the script element of id sre-eval-data.</p></noscript>
<div id="fatal" hidden></div>
<header>
<h1>sre-eval report</h1>
<div id="meta"></div>
<div id="report-pick"></div>
<div id="gate"></div>
</header>
<main>
<div id="notes"></div>
<section id="summary"><h2>Pass rate per model</h2><div id="models"></div>
<details><summary>configuration</summary><div id="config"></div></details></section>
<section id="trend" hidden></section>
<section id="baseline" hidden></section>
<section><h2>Scenarios × models</h2>
<p class="muted">✓ pass · ✗ fail · ⚠ error (the model or the run's setup failed). Click a cell to open its run.</p>
<div id="filters"></div>
<div class="grid-wrap" id="grid"></div></section>
<section id="run" hidden></section>
</main>
<script type="application/json" id="sre-eval-data">${embedJson(data)}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

/** The viewer page of these reports (see `buildViewData` for what it embeds and how it is bounded). */
export function renderViewHtml(inputs: readonly ViewInput[], options: ViewOptions = {}): string {
  return renderViewPage(buildViewData(inputs, options));
}
