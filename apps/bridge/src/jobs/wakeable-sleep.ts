/** A pause between polls that an event can cut short (a job's status changed: look now, not in 200 ms). */
export class WakeableSleep {
  #wake: (() => void) | null = null;
  #early = false;

  sleep(ms: number): Promise<void> {
    if (this.#early) {
      this.#early = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#wake = null;
        resolve();
      }
      this.#wake = done;
    });
  }

  /** Ends the current sleep at once, or the next one if none is under way. */
  wake(): void {
    if (this.#wake) this.#wake();
    else this.#early = true;
  }
}
