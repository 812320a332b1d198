/** The command-line walker the CLIs share. */

/**
 * Calls `on(name, value)` for each argument in turn; `value()` takes the next argument as the option's value
 * (an error naming the option when there is none). Flags simply do not call it.
 */
export function eachOption(argv: readonly string[], on: (name: string, value: () => string) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    on(name, () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    });
  }
}
