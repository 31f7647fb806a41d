package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** Help on every command of the tree, help text that wraps at spaces only, exit codes from one table, usage errors. */
class HelpTest {

    /** Every command of the tree, from the picocli model (not a hand-written list), root first. */
    static List<CommandSpec> commands() {
        List<CommandSpec> all = new ArrayList<>();
        collect(ShmtelCli.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine cli, List<CommandSpec> into) {
        into.add(cli.getCommandSpec());
        cli.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    static List<String> path(CommandSpec spec) {
        String path = CliHelp.path(spec);
        return path.isEmpty() ? List.of() : List.of(path.split(" "));
    }

    static String[] args(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray(String[]::new);
    }

    @Test
    void theTreeHasTheNestedCommands() {
        Set<String> names = commands().stream().map(CommandSpec::qualifiedName).collect(Collectors.toSet());
        assertThat(names).contains("shmtel", "shmtel pub", "shmtel help", "shmtel bridge", "shmtel bridge send",
                "shmtel bridge receive", "shmtel bridge run");
        assertThat(names).hasSizeGreaterThan(20);
    }

    @Test
    void everyCommandAnswersEveryHelpFormOnStdoutWithExit0() {
        for (CommandSpec spec : commands()) {
            List<String> path = path(spec);
            String usage = "Usage: " + spec.qualifiedName() + " ";
            String summary = spec.usageMessage().description()[0];
            List<String[]> forms = List.of(args(path, List.of("--help")), args(path, List.of("-h")),
                    args(List.of("help"), path));
            for (String[] form : forms) {
                CliTest.Result r = CliTest.run(form);
                String shown = String.join(" ", form);
                assertThat(r.code()).as(shown + "\n" + r.err()).isZero();
                assertThat(r.err()).as(shown).isEmpty();
                assertThat(r.out()).as(shown).startsWith(usage);
                assertThat(r.out().replaceAll("\\s+", " ")).as(shown).contains(summary);
            }
        }
    }

    @Test
    void helpOfAnUnknownCommandIsAUsageError() {
        CliTest.Result r = CliTest.run("help", "bridge", "sned");
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("shmtel help: no command \"bridge sned\"; the commands of bridge are send, "
                + "receive, run\n");
    }

    @Test
    void everySummaryIsAWholeSentenceAndShownWhole() {
        for (CommandSpec spec : commands()) {
            String[] description = spec.usageMessage().description();
            assertThat(description).as(spec.qualifiedName()).isNotEmpty();
            for (String line : description) {
                // a paragraph or an example, never a line cut mid-sentence
                assertThat(line.endsWith(".") || line.startsWith("Example: ")).as(spec.qualifiedName() + ": " + line)
                        .isTrue();
            }
            for (ArgSpec arg : spec.args()) {
                for (String line : arg.description()) {
                    assertThat(line).as(spec.qualifiedName() + " " + arg.paramLabel()).endsWith(".");
                }
            }
            if (spec.parent() != null) {
                String parentHelp = CliTest.run(args(path(spec.parent()), List.of("--help"))).out();
                String commands = parentHelp.substring(parentHelp.indexOf("Commands:")).replaceAll("\\s+", " ");
                if (spec.usageMessage().hidden()) { // the completion script's callback: answers --help, not listed
                    assertThat(commands).as(spec.qualifiedName()).doesNotContain(" " + spec.name() + " ");
                } else {
                    assertThat(commands).as(spec.qualifiedName()).contains(" " + spec.name() + " " + description[0]
                            + " ");
                }
            }
        }
    }

    /** Words of the model's texts, as a reader copies them: file names, URLs, options, values. */
    static Set<String> words(CommandSpec spec) {
        List<String> texts = new ArrayList<>(Arrays.asList(spec.usageMessage().description()));
        texts.addAll(Arrays.asList(spec.usageMessage().footer()));
        spec.args().stream().filter(a -> !a.hidden()).forEach(a -> texts.addAll(Arrays.asList(a.description())));
        Set<String> words = new TreeSet<>();
        for (String text : texts) {
            for (String word : text.split("\\s+")) {
                if (!word.isEmpty() && !word.contains("${")) {
                    words.add(word);
                }
            }
        }
        return words;
    }

    @Test
    void helpWrapsAtSpacesOnlyAndFitsTheWidth() {
        int checked = 0;
        for (CommandSpec spec : commands()) {
            String help = CliTest.run(args(path(spec), List.of("--help"))).out();
            Set<String> rendered = new HashSet<>(Arrays.asList(help.split("\\s+")));
            for (String line : help.lines().toList()) {
                assertThat(line.length()).as(spec.qualifiedName() + ": " + line).isLessThanOrEqualTo(CliHelp.WIDTH);
            }
            for (String word : words(spec)) {
                assertThat(rendered).as(spec.qualifiedName() + ": \"" + word + "\" split").contains(word);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
        // the words that broke before: a file name after a dot, a URL after its host's first dot
        String compat = CliTest.run("compat", "--help").out();
        assertThat(compat).contains("arm_v2.json");
        assertThat(CliTest.run("serve", "--help").out()).contains("http://127.0.0.1:8765/", "ws://127.0.0.1:8765");
    }

    @Test
    void wrapBreaksAtSpacesUnderTheTextItContinues() {
        String row = "      --flag=X     " + "word ".repeat(20) + "http://127.0.0.1:8765/path.json end";
        String wrapped = CliHelp.wrap(row, -1);
        assertThat(wrapped.lines()).allMatch(l -> l.length() <= CliHelp.WIDTH);
        assertThat(wrapped.lines().skip(1)).allMatch(l -> l.startsWith(" ".repeat(19)) && l.charAt(19) != ' ');
        assertThat(wrapped.replaceAll("\\s+", " ").strip()).isEqualTo(row.replaceAll("\\s+", " ").strip());
        String prose = "x".repeat(70) + " " + "y".repeat(100) + " z";
        assertThat(CliHelp.wrap(prose, -1)).isEqualTo("x".repeat(70) + "\n" + "y".repeat(100) + "\nz");
    }

    @Test
    void helpListsEveryExitCodeThatExitCodesDeclaresAndSoDoesTheDoc() throws IOException {
        List<Integer> declared = new ArrayList<>();
        for (Field f : ExitCodes.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    declared.add(f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertThat(ExitCodes.meanings().keySet()).containsExactlyInAnyOrderElementsOf(declared);
        assertThat(declared).contains(ExitCodes.MEMORY, ExitCodes.MAILBOX_FAILED);

        String help = CliTest.run("--help").out();
        String list = help.substring(help.indexOf("Exit codes:"));
        Set<Integer> listed = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^  (\\d+) +(.*)$").matcher(list);
        while (m.find()) {
            listed.add(Integer.parseInt(m.group(1)));
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(declared);
        ExitCodes.meanings().values().forEach(meaning -> assertThat(list.replaceAll("\\s+", " ")).contains(meaning));

        String doc = Files.readString(Path.of("../docs/cli.md"));
        String section = doc.substring(doc.indexOf("## Exit codes"),
                doc.indexOf("\n## ", doc.indexOf("## Exit codes") + 1));
        Set<Integer> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(section);
        while (row.find()) {
            documented.add(Integer.parseInt(row.group(1)));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void aUsageErrorIsOneLineAndTheHelpCommandToRun() {
        record Case(String[] args, String error, String hint) {}
        for (Case c : List.of(
                new Case(new String[] {"pub"},
                        "shmtel pub: missing required options and parameters: '--schema=FILE', 'REGION'",
                        "shmtel help pub"),
                new Case(new String[] {"ls", "--nope"}, "shmtel ls: unknown option: '--nope'", "shmtel help ls"),
                new Case(new String[] {"bridge", "send", "--to", "10.0.0.2:40456"},
                        "shmtel bridge send: missing required parameter: 'REGION[/RECORD]'", "shmtel help bridge send"),
                new Case(new String[] {"bridge", "sned"}, "shmtel bridge: unknown command \"sned\"; the commands of"
                        + " shmtel bridge are send, receive, run", "shmtel help bridge"),
                new Case(new String[] {"frobnicate"}, "shmtel: unknown command \"frobnicate\"; did you mean validate",
                        "shmtel help"),
                new Case(new String[] {"xq"}, "shmtel: unknown command \"xq\"; the commands are validate, gen, compat,",
                        "shmtel help"),
                new Case(new String[] {}, "shmtel: missing command", "shmtel help"))) {
            CliTest.Result r = CliTest.run(c.args());
            String shown = String.join(" ", c.args());
            assertThat(r.code()).as(shown).isEqualTo(ExitCodes.INVALID_INPUT);
            assertThat(r.out()).as(shown).isEmpty();
            List<String> lines = r.err().lines().toList();
            assertThat(lines).as(shown).hasSize(2);
            assertThat(lines.get(0)).as(shown).startsWith(c.error());
            assertThat(lines.get(1)).as(shown).isEqualTo("Try '" + c.hint() + "' for its usage.");
        }
    }

    @Test
    void everyCommandOfTheTreeIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("../docs/cli.md"));
        try (Stream<CommandSpec> specs = commands().stream()) {
            specs.filter(s -> s.parent() != null && !s.name().equals("help"))
                    .forEach(s -> assertThat(doc).as(s.qualifiedName()).contains("`" + s.qualifiedName()));
        }
    }
}
