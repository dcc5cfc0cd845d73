import type { Command } from "commander";

// Shell completion made from the program itself (commands, aliases and options), so it never
// goes stale: `source <(aiinfra completion bash)` or, for zsh, `source <(aiinfra completion zsh)`
// (bash's completion through zsh's bashcompinit).

const flags = (cmd: Command, pick: (o: Command["options"][number]) => boolean = () => true) =>
  cmd.options.filter(pick).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));

/**
 * One walk of the program: each command path ("_", "_ instances", "_ instances list") with the
 * words that may follow it (the program's own options apply everywhere), and the options that
 * take a value (after them the shell completes file names).
 */
export function completionWords(program: Command): { words: Map<string, string[]>; valued: string[] } {
  const words = new Map<string, string[]>();
  const valued = new Set<string>();
  const global = flags(program).filter((f) => f.startsWith("--") && f !== "--version");
  const walk = (cmd: Command, path: string) => {
    const subs = cmd.commands.filter((s) => !(s as unknown as { _hidden?: boolean })._hidden);
    for (const f of flags(cmd, (o) => o.required || o.optional)) valued.add(f);
    const own = [...subs.flatMap((s) => [s.name(), ...s.aliases()]), ...flags(cmd), ...(cmd === program ? [] : global), "--help"];
    words.set(path, [...new Set(own)]);
    for (const s of subs) for (const name of [s.name(), ...s.aliases()]) walk(s, `${path} ${name}`);
  };
  walk(program, "_");
  return { words, valued: [...valued].sort() };
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export function completionScript(program: Command, shell: "bash" | "zsh"): string {
  const { words, valued } = completionWords(program);
  const entries = [...words].map(([path, w]) => `  [${quote(path)}]=${quote(w.join(" "))}`).join("\n");
  const bash = `# aiinfra completion (${shell}): source <(aiinfra completion ${shell})
declare -gA _aiinfra_words=(
${entries}
)
_aiinfra_valued=${quote(` ${valued.join(" ")} `)}
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
