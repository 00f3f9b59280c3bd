/**
 * The fused learner's arrays, all in one WebAssembly.Memory so the SIMD kernels can reach them by
 * byte offset. Growing a memory detaches its old ArrayBuffer: every slot's view is remade then, so
 * code reads `slot.f` afresh after anything that may allocate (allocation happens only when a
 * learner is made and at the first minibatch of each size).
 */
export interface Slot {
  /** Byte offset in the memory (16-byte aligned). */
  readonly off: number;
  readonly length: number;
  /** The slot's floats; remade when the memory grows. */
  f: Float32Array;
}

const PAGE = 65536;

export class Heap {
  readonly memory = new WebAssembly.Memory({ initial: 1 });
  private top = 0;
  private readonly slots: Slot[] = [];
  /** The whole memory as floats (remade when it grows). */
  all = new Float32Array(this.memory.buffer);

  alloc(length: number): Slot {
    const off = this.top;
    this.top = off + Math.ceil((length * 4) / 16) * 16;
    const pages = Math.ceil(this.top / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) {
      this.memory.grow(pages);
      this.all = new Float32Array(this.memory.buffer);
      for (const s of this.slots) s.f = new Float32Array(this.memory.buffer, s.off, s.length);
    }
    const slot: Slot = { off, length, f: new Float32Array(this.memory.buffer, off, length) };
    this.slots.push(slot);
    return slot;
  }
}
