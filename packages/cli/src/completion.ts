import type { Command } from "commander";

// Shell completion made from the program itself (commands, aliases and options), so it never
// goes stale: `source <(aiinfra completion bash)` or, for zsh, `source <(aiinfra completion zsh)`
// (bash's completion through zsh's bashcompinit).

/** Each command path ("_", "_ instances", "_ instances list") and the words that may follow it. */
export function completionWords(program: Command): Map<string, string[]> {
  const words = new Map<string, string[]>();
  const walk = (cmd: Command, path: string, inherited: string[]) => {
    const options = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
    const subs = cmd.commands.filter((s) => !(s as unknown as { _hidden?: boolean })._hidden);
    const own = [...subs.flatMap((s) => [s.name(), ...s.aliases()]), ...options, ...inherited, "--help"];
    words.set(path, [...new Set(own)]);
    for (const s of subs) for (const name of [s.name(), ...s.aliases()]) walk(s, `${path} ${name}`, inherited.length ? inherited : ["--json", "--url"]);
  };
  walk(program, "_", []);
  return words;
}

/** Options that take a value (--script FILE, -n 100): after them the shell completes file names. */
export function valuedOptions(program: Command): string[] {
  const out = new Set<string>();
  const walk = (cmd: Command) => {
    for (const o of cmd.options) if (o.required || o.optional) for (const f of [o.long, o.short]) if (f) out.add(f);
    for (const s of cmd.commands) walk(s);
  };
  walk(program);
  return [...out].sort();
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export function completionScript(program: Command, shell: "bash" | "zsh"): string {
  const entries = [...completionWords(program)].map(([path, w]) => `  [${quote(path)}]=${quote(w.join(" "))}`).join("\n");
  const bash = `# aiinfra completion (${shell}): source <(aiinfra completion ${shell})
declare -gA _aiinfra_words=(
${entries}
)
_aiinfra_valued=${quote(` ${valuedOptions(program).join(" ")} `)}
_aiinfra() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" at="_" i w
  # After an option that takes a value: the shell's own completion (file names).
  if [[ $_aiinfra_valued == *" $prev "* ]]; then COMPREPLY=(); return; fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ $w == -* ]] && continue
    [[ -n "\${_aiinfra_words["$at $w"]+x}" ]] && at="$at $w"
  done
  COMPREPLY=($(compgen -W "\${_aiinfra_words[$at]}" -- "$cur"))
}
complete -o default -F _aiinfra aiinfra
`;
  return shell === "zsh" ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}
