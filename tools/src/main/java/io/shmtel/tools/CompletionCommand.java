package io.shmtel.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", description = {"Prints a shell completion script for bash or zsh.",
        "It completes commands, options, and the regions of the region directory (--dir, else $SHMTEL_DIR, else"
                + " /dev/shm), their records and fields.",
        "Example: source <(bin/shmtel completion bash), in zsh too (the script loads bashcompinit)."})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    /**
     * Appended to picocli's script: asks the shmtel being completed (the command word as typed, so
     * {@code bin/shmtel} works off the PATH) for the candidates only the region directory knows,
     * passing on the command line's {@code --dir}.
     */
    static final String HELPERS = """

            # shmtel: regions, REGION/RECORD targets and record fields, from the region directory.
            # The value of --dir on the command line (bash splits --dir=X into --dir, =, X).
            function _shmtel_dir() {
              local i
              for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
                if [ "${COMP_WORDS[i]}" = "--dir" ]; then
                  if [ "${COMP_WORDS[i+1]}" = "=" ]; then echo "${COMP_WORDS[i+2]}"; else echo "${COMP_WORDS[i+1]}"; fi
                  return
                fi
              done
            }
            # Candidates of a kind (regions, targets, fields) for a word, one a line: `shmtel __complete`.
            function _shmtel_candidates() {
              local dir
              dir=$(_shmtel_dir)
              dir="${dir/#\\~/$HOME}"
              "${COMP_WORDS[0]}" __complete "$1" "$2" ${dir:+"--dir=$dir"} 2>/dev/null
            }
            # The first positional word after subcommand $1, skipping options and the values of those in $2.
            function _shmtel_first_positional() {
              local i seen=0 word
              for ((i = 1; i < COMP_CWORD; i++)); do
                word="${COMP_WORDS[i]}"
                if (( ! seen )); then
                  [ "$word" = "$1" ] && seen=1
                  continue
                fi
                case "$word" in
                  =) ((i++)) ;;
                  -*) if [[ "$2" == *"'$word'"* && "${COMP_WORDS[i+1]}" != "=" ]]; then ((i++)); fi ;;
                  *) echo "$word"; return ;;
                esac
              done
            }
            """;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "bash|zsh", description = "The shell: ${COMPLETION-CANDIDATES}.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        // picocli's script serves both: under zsh it loads bashcompinit first.
        spec.commandLine().getOut().print(script(root));
        return ExitCodes.OK;
    }

    /**
     * picocli's script, where each command's positional REGION or REGION[/RECORD] and option --field
     * complete from the region directory instead of nothing.
     */
    static String script(CommandLine root) {
        String script = AutoComplete.bash("shmtel", root);
        StringBuilder sb = new StringBuilder(script);
        for (CommandLine command : commands(root)) {
            String function = "function _picocli_" + functionPath(command) + "() {";
            int start = sb.indexOf(function);
            if (start < 0) {
                continue;
            }
            int end = sb.indexOf("\n}\n", start);
            CommandSpec c = command.getCommandSpec();
            String kind = null;
            for (PositionalParamSpec p : c.positionalParameters()) {
                if (p.paramLabel().equals("REGION")) {
                    kind = "regions";
                } else if (p.paramLabel().equals("REGION[/RECORD]")) {
                    kind = "targets";
                }
            }
            if (kind != null) {
                end = replace(sb, start, end, "    local positionals=\"\"\n",
                        "    local positionals=$(_shmtel_candidates " + kind + " \"${curr_word}\")\n");
            }
            OptionSpec field = c.findOption("--field");
            if (field != null) {
                replace(sb, start, end, "    '--field')\n      return\n",
                        "    '--field')\n      local IFS=$'\\n'\n      COMPREPLY=( $(compgen -W "
                                + "\"$(_shmtel_candidates fields"
                                + " \"$(_shmtel_first_positional " + c.name()
                                        + " \"${arg_opts}\")\")\" -- \"${curr_word}\") )\n"
                                + "      return\n");
            }
        }
        int complete = sb.lastIndexOf("\ncomplete -F ");
        sb.insert(complete < 0 ? sb.length() : complete, HELPERS);
        return sb.toString();
    }

    /** Replaces the first {@code from} between {@code start} and {@code end}; returns the new end. */
    private static int replace(StringBuilder sb, int start, int end, String from, String to) {
        int at = sb.indexOf(from, start);
        if (at < 0 || at > end) {
            throw new IllegalStateException("picocli's completion script changed: no \"" + from.strip() + "\" in "
                    + sb.substring(start, sb.indexOf("\n", start)));
        }
        sb.replace(at, at + from.length(), to);
        return end + to.length() - from.length();
    }

    private static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!all.contains(sub)) {
                all.add(sub);
                all.addAll(commands(sub));
            }
        }
        return all;
    }

    /** {@code shmtel_bridge_send}: picocli's function name of a command. */
    private static String functionPath(CommandLine command) {
        return command.getParent() == null ? command.getCommandName()
                : functionPath(command.getParent()) + "_" + command.getCommandName();
    }
}
