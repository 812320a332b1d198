/** The command-line walker and exit handling the CLIs share. */

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

/**
 * Runs a command's `main` and sets the process's exit code: what `main` returns (0 ok, 1 findings), or 2 when it
 * throws (bad options, no database), with the error's message on stderr.
 */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
