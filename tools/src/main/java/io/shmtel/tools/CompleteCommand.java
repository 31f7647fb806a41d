package io.shmtel.tools;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What the completion script ({@link CompletionCommand}) asks at each TAB for the words only the region
 * directory knows: one candidate a line on stdout, nothing on stderr, always exit 0 (a region that cannot
 * be read offers nothing). It lists the directory and reads region headers; it never writes.
 */
@Command(name = CompleteCommand.NAME, hidden = true, description =
        {"Prints completion candidates of one kind, one a line, for the completion script.",
        "Kinds: regions; targets WORD (regions, and REGION/RECORD of regions with several records or when WORD"
                + " has a slash); fields REGION[/RECORD]."})
final class CompleteCommand implements Callable<Integer> {
    static final String NAME = "__complete";

    enum Kind { regions, targets, fields }

    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Parameters(index = "0", paramLabel = "KIND")
    Kind kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "WORD")
    String word = "";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // a region still being created offers nothing rather than hold up the TAB
        RegionOptions options = region.options().withInitTimeout(Duration.ofMillis(50));
        try {
            switch (kind) {
                case regions -> options.regionDirectory().list().forEach(out::println);
                case targets -> targets(options, out);
                case fields -> fields(options, out);
            }
        } catch (RuntimeException unreadable) {
            // no candidates: a completion never prints errors into the user's command line
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void targets(RegionOptions options, PrintWriter out) {
        int slash = word.indexOf('/');
        if (slash >= 0) {
            String name = word.substring(0, slash);
            records(name, options).forEach(r -> out.println(name + "/" + r.name()));
            return;
        }
        for (String name : options.regionDirectory().list()) {
            out.println(name);
            if (name.startsWith(word)) { // records only where they can match: each one opens a region
                List<RecordLayout> records = records(name, options);
                if (records.size() > 1) {
                    records.forEach(r -> out.println(name + "/" + r.name()));
                }
            }
        }
    }

    private void fields(RegionOptions options, PrintWriter out) {
        int slash = word.indexOf('/');
        String name = slash < 0 ? word : word.substring(0, slash);
        List<RecordLayout> records = records(name, options);
        records.stream().filter(r -> slash < 0 ? records.size() == 1 : r.name().equals(word.substring(slash + 1)))
                .flatMap(r -> r.fields().stream()).map(FieldLayout::name).forEach(out::println);
    }

    private static List<RecordLayout> records(String name, RegionOptions options) {
        try (Region r = Region.open(name, options)) {
            return r.layout().records();
        } catch (RuntimeException unreadable) {
            return List.of();
        }
    }
}
