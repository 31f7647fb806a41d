package io.shmtel.tools;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Help and usage errors for the whole command tree, in one place: every command and subcommand
 * answers {@code -h}/{@code --help} and {@code shmtel help COMMAND [SUBCOMMAND]}; help text wraps
 * at spaces only (never inside a word, a file name or a URL); the exit codes listed come from
 * {@link ExitCodes}; a usage error is one line and the {@code shmtel help ...} to run.
 */
final class CliHelp {
    /** Columns the help is laid out for. */
    static final int WIDTH = 80;
    /** Width picocli lays the help out at before {@link #wrap} wraps it at spaces (so picocli never breaks a line). */
    private static final int UNWRAPPED = 10_000;

    private CliHelp() {}

    /** Applies help, wrapping and the usage-error handler to {@code root} and every command below it. */
    static void configure(CommandLine root) {
        Map<String, String> codes = new LinkedHashMap<>();
        ExitCodes.meanings().forEach((code, meaning) -> codes.put(Integer.toString(code), meaning));
        root.getCommandSpec().usageMessage().exitCodeList(codes);
        configureTree(root);
        root.setParameterExceptionHandler(CliHelp::usageError);
    }

    private static void configureTree(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        cli.setUsageHelpWidth(UNWRAPPED);
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF)); // wrap counts characters
        Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(cli.getHelpSectionMap());
        // The synopsis follows its heading ("Usage: ") on the same line; its lines continue under its first option.
        sections.replaceAll((key, renderer) -> key.equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS)
                ? help -> {
                    int heading = help.synopsisHeading().length();
                    return wrap(" ".repeat(heading) + renderer.render(help),
                            heading + help.commandSpec().qualifiedName().length() + 1).substring(heading);
                }
                : help -> wrap(renderer.render(help), -1));
        cli.setHelpSectionMap(sections);
        cli.getSubcommands().values().forEach(CliHelp::configureTree);
    }

    /** The command path after "shmtel", e.g. {@code bridge send}; empty for the root. */
    static String path(CommandSpec spec) {
        String qualified = spec.qualifiedName(" ");
        String root = spec.root().name();
        return qualified.length() > root.length() ? qualified.substring(root.length() + 1) : "";
    }

    /** One line saying what was wrong, then the help command that describes the command; exit 2. */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        String message = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        if (message.length() > 1 && Character.isUpperCase(message.charAt(0))
                && Character.isLowerCase(message.charAt(1))) {
            message = message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions().stream().limit(3).toList();
            boolean command = !cli.getSubcommands().isEmpty() && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().get(0).startsWith("-");
            if (command) {
                message = "unknown command \"" + u.getUnmatched().get(0) + "\"";
            }
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            } else if (command) {
                message += "; the commands"
                        + (cli.getParent() == null ? "" : " of " + cli.getCommandSpec().qualifiedName(" "))
                        + " are " + String.join(", ", cli.getSubcommands().keySet());
            }
        }
        String path = path(cli.getCommandSpec());
        err.println(cli.getCommandSpec().qualifiedName(" ") + ": " + message.replaceAll("\\s*\\R\\s*", "; "));
        err.println("Try 'shmtel help" + (path.isEmpty() ? "" : " " + path) + "' for its usage.");
        err.flush();
        return ExitCodes.INVALID_INPUT;
    }

    /**
     * Wraps the lines of a help section longer than {@link #WIDTH} at spaces only. A continuation
     * line is indented like the text it continues: {@code indent} when given (the synopsis), else
     * the column where the line's text starts (its description, in a table of options, commands
     * or exit codes), else column 0 (prose). A word longer than the line stays whole.
     */
    static String wrap(String section, int indent) {
        StringBuilder out = new StringBuilder(section.length() + 64);
        String[] lines = section.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            String line = lines[i];
            if (line.length() <= WIDTH) {
                out.append(line);
                continue;
            }
            int hang = indent >= 0 ? indent : textColumn(line);
            if (hang > WIDTH / 2) {
                hang = 0;
            }
            String rest = line;
            int from = Math.max(hang, leadingSpaces(line)) + 1; // never break before the first word
            while (rest.length() > WIDTH) {
                int cut = rest.lastIndexOf(' ', WIDTH);
                if (cut < from) {
                    cut = rest.indexOf(' ', WIDTH);
                    if (cut < 0) {
                        break; // one word longer than the line: left whole
                    }
                }
                out.append(rest, 0, cut).append('\n');
                String tail = rest.substring(cut).stripLeading();
                if (tail.isEmpty()) {
                    rest = "";
                    break;
                }
                rest = " ".repeat(hang) + tail;
                from = hang + 1;
            }
            out.append(rest.stripTrailing());
        }
        return out.toString();
    }

    /** Where a table row's last column starts: after the first run of two spaces that follows text. */
    private static int textColumn(String line) {
        int lead = leadingSpaces(line);
        if (lead == 0) {
            return 0; // prose: a description, a footer
        }
        for (int p = lead; p + 2 < line.length(); p++) {
            if (line.charAt(p) == ' ' && line.charAt(p + 1) == ' ') {
                int q = p;
                while (q < line.length() && line.charAt(q) == ' ') {
                    q++;
                }
                return q;
            }
        }
        return lead;
    }

    private static int leadingSpaces(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    /** {@code shmtel help [COMMAND [SUBCOMMAND...]]}: the usage of any command of the tree. */
    @Command(name = "help", helpCommand = true,
            description = {"Describes a command: shmtel help COMMAND, or shmtel help COMMAND SUBCOMMAND.",
                    "Example: shmtel help bridge send"})
    static final class HelpCommand implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "The command (and subcommand) to describe"
                + " (default: shmtel itself).")
        List<String> path = new ArrayList<>();

        @Override
        public void run() {
            CommandLine target = spec.root().commandLine();
            List<String> walked = new ArrayList<>();
            for (String name : path) {
                CommandLine sub = target.getSubcommands().get(name);
                if (sub == null) {
                    String parent = String.join(" ", walked);
                    throw new CommandLine.ParameterException(spec.commandLine(), "no command \"" + String.join(" ",
                            walked) + (walked.isEmpty() ? "" : " ") + name + "\"; the commands"
                            + (parent.isEmpty() ? "" : " of " + parent) + " are "
                            + String.join(", ", target.getSubcommands().keySet()));
                }
                walked.add(name);
                target = sub;
            }
            target.usage(spec.commandLine().getOut(), target.getColorScheme());
        }
    }
}
