/**
 * Splits an options variable (NODE_OPTIONS, JAVA_TOOL_OPTIONS, RUBYOPT, ...) into arguments the
 * way the runtimes do: whitespace separates, double or single quotes group, a backslash escapes
 * the next character. An unclosed quote runs to the end (the runtime would refuse to start).
 */
export function splitOptions(value: string): string[] {
  const args: string[] = [];
  let current = '';
  let started = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && quote !== "'" && i + 1 < value.length) {
      current += value[++i];
      started = true;
    } else if (quote !== null) {
      if (c === quote) quote = null;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

/**
 * The values given to any of `names`, in the forms `--name value`, `--name=value` and, for
 * one-letter options such as `-r`, `-rvalue`.
 */
export function optionValues(args: readonly string[], names: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    for (const name of names) {
      if (arg === name) {
        const next = args[i + 1];
        values.push(next ?? '');
        i++;
        break;
      }
      if (arg.startsWith(`${name}=`)) {
        values.push(arg.slice(name.length + 1));
        break;
      }
      if (/^-[A-Za-z]$/.test(name) && arg.startsWith(name) && arg.length > 2) {
        values.push(arg.slice(2));
        break;
      }
    }
  }
  return values;
}
