/**
 * A play page's record control: while the player drives `agent`, "Record" keeps their matches
 * (`this.ai.record`), listed with their returns; "Drop last match" lets go of the last one; the
 * download button saves every match kept (from each time recording was started) as one demo file,
 * through a Blob URL. Recording runs only while the player drives the agent: matches the AI or a
 * script plays are not kept.
 */
import type Phaser from 'phaser';
import { EPISODE_END, encodeDemo, mergeDemos, type DemoEpisode, type EpisodeEndEvent } from 'phaser-distill';
// Installs the recorder behind this.ai.record: only pages that record carry it.
import 'phaser-distill/record';
import type { DemoRecorder } from 'phaser-distill/record';

export interface RecordingControl {
  /** Starts recording (a no-op while recording). */
  start(): void;
  /** Stops; what was kept stays, for the download. */
  stop(): void;
  recording(): boolean;
  /** Every match kept, oldest first. */
  episodes(): DemoEpisode[];
  /** Decisions in them. */
  steps(): number;
  /** Lets go of the last match kept. */
  dropLast(): DemoEpisode | undefined;
  /** The demo file of every match kept. */
  file(): Uint8Array;
  /** Offers `file()` as a download (`fileName`); returns its Blob URL. */
  download(): string;
  /** What the last download offered. */
  lastDownload(): { url: string; name: string; bytes: number } | null;
}

/** Builds the control into `host` for the player's `agent` of `scene`; the file is offered as `fileName`. */
export function recordingControl(scene: Phaser.Scene, agent: string, host: HTMLElement, fileName: string): RecordingControl {
  const sessions: DemoRecorder[] = [];
  let last: { url: string; name: string; bytes: number } | null = null;
  const button = (text: string) => Object.assign(document.createElement('button'), { type: 'button', textContent: text });
  const toggle = button('Record');
  const drop = button('Drop last match');
  const save = button(`Download ${fileName}`);
  const summary = document.createElement('span');
  const list = document.createElement('ol');
  toggle.id = 'record';
  drop.id = 'drop-last';
  save.id = 'download';
  summary.id = 'recorded';
  list.id = 'recorded-matches';
  host.replaceChildren(toggle, drop, save, summary, list);

  const current = () => sessions[sessions.length - 1];
  const recording = () => current()?.recording ?? false;
  const episodes = () => sessions.flatMap((s) => s.episodes);
  const steps = () => sessions.reduce((n, s) => n + s.steps, 0);
  const render = () => {
    const kept = episodes();
    toggle.textContent = recording() ? 'Stop recording' : 'Record';
    toggle.classList.toggle('on', recording());
    drop.disabled = save.disabled = kept.length === 0;
    summary.textContent = `${recording() ? 'recording' : 'not recording'}: ${kept.length} match${kept.length === 1 ? '' : 'es'} kept, ${steps()} decisions`;
    list.replaceChildren(...kept.map((e, i) => Object.assign(document.createElement('li'), { textContent: `return ${e.return}, ${e.length} decisions${e.done === 'truncated' ? ' (out of time)' : ''}` })));
  };

  const control: RecordingControl = {
    start() {
      if (!recording()) sessions.push(scene.ai.record(agent));
      render();
    },
    stop() {
      current()?.stop();
      render();
    },
    recording,
    episodes,
    steps,
    dropLast() {
      const dropped = [...sessions].reverse().find((s) => s.episodes.length > 0)?.dropLast();
      render();
      return dropped;
    },
    file() {
      if (sessions.length === 0) throw new Error('nothing recorded yet: start recording first');
      const meta = { game: fileName.replace(/\.demo$/, ''), recorded: new Date().toISOString() };
      return encodeDemo({ ...mergeDemos(sessions.map((s) => s.toDemo())), meta });
    },
    download() {
      const bytes = control.file();
      if (last) URL.revokeObjectURL(last.url);
      const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'application/octet-stream' }));
      last = { url, name: fileName, bytes: bytes.length };
      Object.assign(document.createElement('a'), { href: url, download: fileName }).click();
      return url;
    },
    lastDownload: () => last,
  };
  toggle.onclick = () => (recording() ? control.stop() : control.start());
  drop.onclick = () => control.dropLast();
  save.onclick = () => control.download();
  // The recorder keeps a match before the plugin announces its end.
  scene.sys.events.on(EPISODE_END, (e: EpisodeEndEvent) => e.agent === agent && render());
  render();
  return control;
}
