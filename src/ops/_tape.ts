// Whether ops record autodiff nodes right now. Backward passes turn it off unless a gradient of a gradient is being taken.
let recording = true;

export const isRecording = (): boolean => recording;

/** Runs `f` with recording set to `on`, restoring the previous setting afterwards. */
export const withRecording = <T>(on: boolean, f: () => T): T => {
  const prev = recording;
  recording = on;
  try {
    return f();
  } finally {
    recording = prev;
  }
};
