package io.shmtel.tools;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", description = {"Prints a shell completion script for bash or zsh.",
        "Example: source <(bin/shmtel completion bash), in zsh too (the script loads bashcompinit)."})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "bash|zsh", description = "The shell: ${COMPLETION-CANDIDATES}.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        // picocli's script serves both: under zsh it loads bashcompinit first.
        spec.commandLine().getOut().print(AutoComplete.bash("shmtel", root));
        return ExitCodes.OK;
    }
}
