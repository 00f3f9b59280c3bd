/**
 * The distillation config: one typed object, a doc comment per field, in CleanRL's manner.
 * `validateDistillConfig` checks ranges and names the field at fault; parsing a config file
 * strictly (unknown keys) is the CLI's job.
 */
export interface DistillConfig {
  /** Hidden layer sizes of the student; [] gives a linear policy. */
  hidden: number[];
  /** Activation of the student's hidden layers. */
  activation: 'tanh' | 'relu';
  /** Collection rounds; each one collects data, then trains on everything gathered so far. */
  rounds: number;
  /** Vector-env steps collected per round and task (samples = steps * numEnvs). */
  stepsPerRound: number;
  /**
   * Who acts while collecting: 'teacher' (every round teacher-driven), 'student' (DAgger: round 0
   * teacher-driven, then the mixture with beta = betaDecay^round) or 'both' (each round after the
   * first collects half of its steps each way).
   */
  driver: 'teacher' | 'student' | 'both';
  /** DAgger's mixing schedule: in round r >= 1 the teacher acts with probability betaDecay^r. */
  betaDecay: number;
  /** The teacher samples its actions when it acts (wider coverage) instead of taking the argmax. */
  teacherSamples: boolean;
  /** Std of Gaussian noise on what the acting policy sees, in units of each dimension's spread; 0 for none. */
  obsNoise: number;
  /** Softmax temperature of the teacher in the soft target (Rusu et al. 2016 use 0.01). */
  tau: number;
  /** lambda_s: weight of the soft-target KL(softmax(z_T / tau) || softmax(z_S)). */
  lambdaSoft: number;
  /** lambda_h: weight of the cross-entropy to the teacher's action (squared error to its mean for boxes). */
  lambdaHard: number;
  /** Weight of value distillation (an extra student output trained to the teacher's value); 0 for none. */
  lambdaValue: number;
  /** Most passes over the dataset after each round's collection. */
  epochsPerRound: number;
  /** Samples per gradient step (per task). */
  minibatchSize: number;
  /** Adam's step size. */
  learningRate: number;
  /** Share of collected samples kept out of training to measure fidelity. */
  heldOutFraction: number;
  /** Epochs without a better held-out action agreement that a round tolerates: it stops at the next one. */
  patience: number;
  /** Normalise the student's inputs with the first round's statistics (stored in the policy file). */
  normalizeObservations: boolean;
  /** Several teachers: 'heads' gives each task its own output layer; 'one-hot' appends a task one-hot to the input and shares one head (same action space needed). */
  taskMode: 'heads' | 'one-hot';
  /** Box actions: two means within this distance count as the same action. */
  boxTolerance: number;
  /**
   * Box actions: what the student's means learn from the teacher's. 'mse': the squared error.
   * 'kl': the Gaussian KL at the teacher's std (which the student samples with), i.e. the squared
   * error weighted per dimension by 1 / (2 std^2).
   */
  boxLoss: 'mse' | 'kl';
  /** Seeds the student's initial weights, collection, noise and minibatch order. */
  seed: number;
}

/** Works for Balance-sized tasks in seconds; see bench/distill.ts. */
export const defaultDistillConfig: DistillConfig = {
  hidden: [16],
  activation: 'tanh',
  rounds: 4,
  stepsPerRound: 500,
  driver: 'student',
  betaDecay: 0.5,
  teacherSamples: true,
  obsNoise: 0.05,
  tau: 0.01,
  lambdaSoft: 1,
  lambdaHard: 0,
  lambdaValue: 0,
  epochsPerRound: 30,
  minibatchSize: 256,
  learningRate: 3e-3,
  heldOutFraction: 0.1,
  patience: 5,
  normalizeObservations: true,
  taskMode: 'heads',
  boxTolerance: 0.1,
  boxLoss: 'mse',
  seed: 1,
};

/** Throws an error naming the first field that is out of range. */
export function validateDistillConfig(c: DistillConfig): void {
  const bad = (field: keyof DistillConfig, expected: string) => {
    throw new Error(`distill config: ${field}: expected ${expected}, got ${JSON.stringify(c[field])}`);
  };
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  if (!Array.isArray(c.hidden) || !c.hidden.every(posInt)) bad('hidden', 'an array of positive integers');
  if (c.activation !== 'tanh' && c.activation !== 'relu') bad('activation', `'tanh' or 'relu'`);
  for (const f of ['rounds', 'stepsPerRound', 'epochsPerRound', 'minibatchSize'] as const) if (!posInt(c[f])) bad(f, 'a positive integer');
  if (!['teacher', 'student', 'both'].includes(c.driver)) bad('driver', `'teacher', 'student' or 'both'`);
  if (!(c.betaDecay >= 0 && c.betaDecay <= 1)) bad('betaDecay', 'a number in [0, 1]');
  if (!(c.obsNoise >= 0)) bad('obsNoise', 'a number >= 0');
  if (!(c.tau > 0)) bad('tau', 'a number > 0');
  for (const f of ['lambdaSoft', 'lambdaHard', 'lambdaValue'] as const) if (!(c[f] >= 0)) bad(f, 'a number >= 0');
  if (c.lambdaSoft + c.lambdaHard === 0) bad('lambdaSoft', 'lambdaSoft or lambdaHard above 0 (else nothing trains the policy)');
  if (!(c.learningRate > 0)) bad('learningRate', 'a number > 0');
  if (!(c.heldOutFraction > 0 && c.heldOutFraction < 1)) bad('heldOutFraction', 'a number in (0, 1)');
  if (!(Number.isInteger(c.patience) && c.patience >= 0)) bad('patience', 'an integer >= 0');
  if (c.taskMode !== 'heads' && c.taskMode !== 'one-hot') bad('taskMode', `'heads' or 'one-hot'`);
  if (!(c.boxTolerance >= 0)) bad('boxTolerance', 'a number >= 0');
  if (c.boxLoss !== 'mse' && c.boxLoss !== 'kl') bad('boxLoss', `'mse' or 'kl'`);
  if (!Number.isInteger(c.seed)) bad('seed', 'an integer');
}
