// Checks each world's rubric against answers written in advance (rubric/answers.yaml): every correct
// answer must pass, every wrong answer must fail, judged as the eval judges (outside a negative control
// the all-clear is a wrong answer). No agent runs here. Usage (from the repo root):
//   node_modules/.bin/tsx scripts/held-out/check-rubrics.ts <folder>   (e.g. scenarios-held-out-3)
import { readdirSync, readFileSync } from 'node:fs';
import { checkRootCause, judgedRubric } from '../../packages/eval/dist/index.js';
import { parse } from '../../packages/eval/node_modules/yaml/dist/index.js';

const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const folder = process.argv[2];
if (!folder) throw new Error('usage: check-rubrics.ts <held-out folder>');
const dir = `${folder.replace(/\/+$/, '')}/`;
const answers = parse(readFileSync(`${dir}rubric/answers.yaml`, 'utf8')) as Record<
  string,
  { correct: string[]; wrong: string[] }
>;
let bad = 0;
for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
  const s = parse(readFileSync(`${dir}${f}`, 'utf8'));
  const a = answers[s.id];
  if (!a) {
    say(`MISSING answers for ${s.id}`);
    bad++;
    continue;
  }
  // Judged as the eval judges: outside a negative control, the all-clear is a wrong answer.
  const rubric = judgedRubric({
    tags: s.tags ?? [],
    expect: {
      rootCause: {
        mustMention: s.expect.rootCause?.mustMention ?? [],
        mustNotClaim: s.expect.rootCause?.mustNotClaim ?? [],
      },
    },
  } as never);
  const run = (answer: string) => checkRootCause(answer, rubric);
  for (const [i, ans] of a.correct.entries()) {
    const r = run(ans);
    if (!r.passed) {
      bad++;
      say(`FAIL ${s.id} correct#${i + 1} rejected: ${r.detail}`);
    }
  }
  for (const [i, ans] of a.wrong.entries()) {
    const r = run(ans);
    if (r.passed) {
      bad++;
      say(`FAIL ${s.id} wrong#${i + 1} accepted`);
    }
  }
  if (a.correct.length < 2 || a.wrong.length < 1) {
    bad++;
    say(`FAIL ${s.id}: needs 2 correct and 1 wrong answers`);
  }
}
say(bad === 0 ? 'all rubrics behave' : `${bad} problem(s)`);
process.exitCode = bad === 0 ? 0 : 1;
