import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, type DemoUser, parseNdjson } from '@adtrace/ads';
import type { Campaign } from '@adtrace/schemas';
import { type Command, info, print, UsageError } from '../command.ts';
import { DEFAULT_TRAIN_RUN, trainDemoModel } from '../model/train-demo-model.ts';
import { stateDir } from '../paths.ts';

export const modelCommand: Command = {
  name: 'model',
  summary: 'train the pCTR model from the demo ground truth; print its calibration',
  help: `Usage: adtrace model train [--out FILE] [--examples N] [--seed S] [--version V] [--json]

Trains the auction's pCTR model — logistic regression over hashed features, one pass of
FTRL-Proximal — on impressions and clicks simulated from the demo ground truth (the true CTR
by campaign, ad and context, packages/ads src/demo/ground-truth.ts), re-centres it on a separate
set, and prints its calibration on a hold-out simulated with another seed: mean predicted ÷
observed CTR, mean predicted ÷ true CTR (1 is perfect), and log loss against always predicting
the average. The defaults are those of the shipped model (packages/ads/models/pctr-demo-1.json),
so \`--out\` that file reproduces it.

  --out FILE     where to write the model (default .adtrace/models/<version>.json); the
                 auction loads it with AUCTION_PCTR_MODEL_FILE=FILE
  --examples N   training impressions (default ${DEFAULT_TRAIN_RUN.examples.toLocaleString('en-US')}: about 2 minutes on 2 cores)
  --seed S       training seed (default ${DEFAULT_TRAIN_RUN.seed})
  --version V    modelVersion written on every auction outcome (default ${DEFAULT_TRAIN_RUN.modelVersion})
  --json         print the hold-out calibration as JSON`,
  async run(argv) {
    const [action, ...args] = argv;
    if (action !== 'train') throw new UsageError(action ? `unknown action ${action}` : 'missing action: train');
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        examples: { type: 'string' },
        seed: { type: 'string' },
        version: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const examples = values.examples === undefined ? DEFAULT_TRAIN_RUN.examples : Number(values.examples);
    if (!Number.isInteger(examples) || examples < 1000 || examples > 50_000_000)
      throw new UsageError(`--examples must be an integer in [1000, 50000000], got ${values.examples}`);
    const seed = values.seed === undefined ? DEFAULT_TRAIN_RUN.seed : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0)
      throw new UsageError(`--seed must be a non-negative integer, got ${values.seed}`);
    const modelVersion = values.version ?? DEFAULT_TRAIN_RUN.modelVersion;
    if (!/^[\w.-]{1,64}$/.test(modelVersion))
      throw new UsageError(`--version must be a short name, got ${modelVersion}`);
    // Keep the calibration and hold-out seeds apart from a chosen training seed.
    const apart = (s: number) => (s === seed ? s + 1000 : s);
    const run = {
      ...DEFAULT_TRAIN_RUN,
      modelVersion,
      examples,
      seed,
      calibrationSeed: apart(DEFAULT_TRAIN_RUN.calibrationSeed),
      holdoutSeed: apart(DEFAULT_TRAIN_RUN.holdoutSeed),
    };
    const out = resolve(values.out ?? join(stateDir, 'models', `${modelVersion}.json`));
    info(`training ${modelVersion} on ${examples.toLocaleString('en-US')} simulated impressions (seed ${seed}) …`);
    const started = performance.now();
    const { file, holdout } = trainDemoModel(
      parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8')),
      parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8')),
      run,
    );
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(file)}\n`);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    if (values.json) {
      print(JSON.stringify({ out, modelVersion, holdout }, null, 2));
      return 0;
    }
    print(`wrote ${out} (${file.indices.length.toLocaleString('en-US')} non-zero weights) in ${secs} s`);
    print(
      `hold-out: ${holdout.impressions.toLocaleString('en-US')} impressions, ${holdout.clicks} clicks (seed ${run.holdoutSeed})`,
    );
    print(`  observed CTR        ${pct(holdout.observedCtr)}   true CTR ${pct(holdout.meanTrueCtr)}`);
    print(`  mean predicted CTR  ${pct(holdout.meanPredictedCtr)}`);
    print(
      `  calibration         ${holdout.calibration.toFixed(3)} (predicted ÷ observed)   ${holdout.calibrationVsTruth.toFixed(3)} (÷ true)`,
    );
    print(`  log loss            ${holdout.logLoss.toFixed(5)} (baseline ${holdout.baselineLogLoss.toFixed(5)})`);
    return 0;
  },
};

const pct = (x: number): string => `${(x * 100).toFixed(3)} %`;
