import { defineConfig } from 'vitepress';

// The docs site: the installed user's path first (a guide), then the references, generated
// (docs/gen/generate.ts) from the schema, the commands and the doc comments. VitePress fails the
// build on a dead link, so a built site is a link-checked one.
export default defineConfig({
  title: 'phaser-distill',
  description: 'Reinforcement learning and policy distillation for Phaser games',
  base: '/',
  cleanUrls: false,
  ignoreDeadLinks: false,
  srcExclude: ['gen/**'],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Configuration', link: '/reference/config' },
      { text: 'Command line', link: '/reference/cli' },
      { text: 'API', link: '/reference/api/' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'The agent contract', link: '/guide/agent-contract' },
          { text: 'Sensors', link: '/guide/sensors' },
          { text: 'Continuous control', link: '/guide/continuous-control' },
          { text: 'Imitation and self-play', link: '/guide/imitation-and-self-play' },
          { text: 'Many agents in one scene', link: '/guide/many-agents' },
          { text: 'Large teachers', link: '/guide/large-teachers' },
          { text: 'Privileged teachers', link: '/guide/privileged-teachers' },
          { text: 'Difficulty', link: '/guide/difficulty' },
          { text: 'ONNX', link: '/guide/onnx' },
          { text: 'Learning engines, parallel rollouts and sweeps', link: '/guide/sweeps' },
          { text: 'The command line', link: '/guide/cli' },
          { text: 'My game does not learn', link: '/guide/not-learning' },
        ],
      },
      {
        text: 'Reference',
        items: [
          { text: 'Configuration', link: '/reference/config' },
          { text: 'Command line', link: '/reference/cli' },
          { text: 'API', link: '/reference/api/' },
        ],
      },
    ],
    search: { provider: 'local' },
  },
});
