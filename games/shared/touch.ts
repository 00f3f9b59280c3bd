/**
 * On-screen arrow buttons for touch screens (and mice): holding one holds its arrow key, as
 * Phaser's keyboard sees it, so every game's human controls work with no change to its scene.
 */

export type Arrow = 'left' | 'right' | 'up' | 'down';

const KEYS: Record<Arrow, { key: string; keyCode: number; label: string }> = {
  left: { key: 'ArrowLeft', keyCode: 37, label: '◀' },
  up: { key: 'ArrowUp', keyCode: 38, label: '▲' },
  right: { key: 'ArrowRight', keyCode: 39, label: '▶' },
  down: { key: 'ArrowDown', keyCode: 40, label: '▼' },
};

/** Phaser reads keyCode, which KeyboardEvent's constructor leaves 0: it is given here. */
function press(arrow: Arrow, type: 'keydown' | 'keyup'): void {
  const { key, keyCode } = KEYS[arrow];
  const event = new KeyboardEvent(type, { key, code: key, bubbles: true, cancelable: true });
  Object.defineProperty(event, 'keyCode', { get: () => keyCode });
  Object.defineProperty(event, 'which', { get: () => keyCode });
  window.dispatchEvent(event);
}

/**
 * Adds a bar of arrow buttons after `anchor`; `onPress` runs as a button goes down (a page takes
 * the AI's agent over there). Returns the bar.
 */
export function touchControls(anchor: HTMLElement, arrows: readonly Arrow[], onPress: () => void = () => undefined): HTMLElement {
  const bar = Object.assign(document.createElement('div'), { className: 'touch-controls' });
  bar.setAttribute('aria-label', 'touch controls');
  for (const arrow of arrows) {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: KEYS[arrow].label, className: `touch-${arrow}` });
    button.setAttribute('aria-label', `${arrow} (hold)`);
    let held = false;
    const down = (e: Event) => {
      e.preventDefault();
      if (held) return;
      held = true;
      button.classList.add('held');
      onPress();
      press(arrow, 'keydown');
    };
    const up = () => {
      if (!held) return;
      held = false;
      button.classList.remove('held');
      press(arrow, 'keyup');
    };
    button.addEventListener('pointerdown', down);
    for (const end of ['pointerup', 'pointercancel', 'pointerleave']) button.addEventListener(end, up);
    // A long press must not open the context menu or select text.
    button.addEventListener('contextmenu', (e) => e.preventDefault());
    bar.append(button);
  }
  anchor.insertAdjacentElement('afterend', bar);
  return bar;
}
