/// <reference types="vite/client" />
/**
 * The page: the trained student plays the catcher; press H to take over with the arrow keys. Before
 * the first training run there is no student yet, and you play.
 */
import Phaser from 'phaser';
import { loadStudentPolicy, phaserConfig, type PolicyFile } from 'phaser-distill';
import { CATCH, CATCH_AGENT } from './scene.js';

// `npx phaser-distill run catch/catch.yaml` exports the student here; none before the first run.
const students = import.meta.glob<PolicyFile>('./policies/*.json', { eager: true, import: 'default' });
const [file, student] = Object.entries(students)[0] ?? [];

const game = new Phaser.Game(phaserConfig(CATCH, { parent: 'game', backgroundColor: '#10141c' }));
const status = document.getElementById('status')!;

game.events.once(Phaser.Core.Events.READY, () => {
  const scene = game.scene.getScene('catch')!;
  const ai = student ? loadStudentPolicy(student, { source: file }) : null;
  let human = !ai;
  const drive = () => {
    scene.ai.use(CATCH_AGENT, human || !ai ? 'human' : ai);
    status.textContent = human ? 'you play: arrow keys' + (ai ? ' (H gives the paddle back to the AI)' : ' (train a student: npx phaser-distill run catch/catch.yaml)') : `the AI plays (${file}); H to take over`;
  };
  drive();
  window.addEventListener('keydown', (e) => {
    if (e.key === 'h' || e.key === 'H') {
      human = !human;
      drive();
    }
  });
});

// For the console and for tests: window.game.
Object.assign(window, { game });
