// The recorded stream's own error, raised again by replay where the recording says it happened.

/** The recorded stream's own error, re-emitted where it happened: its original name and message. */
export class ReplayedError extends Error {
  constructor(readonly recordedName: string, message: string) {
    super(message);
    this.name = recordedName;
  }
}
