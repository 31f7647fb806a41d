package io.shmtel.tools;

import io.shmtel.schema.SchemaDef;
import io.shmtel.schema.SchemaException;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", description = {
        "Checks schema files and prints a summary of each layout.",
        "Every error of every file is printed on stderr as file:line:column: /json/pointer: message.",
        "Example: shmtel validate --layout schema/examples/arm.json"})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Schema files (JSON).")
    List<Path> files;

    @Option(names = "--layout", description = "Also print every record's field offsets.")
    boolean printLayout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int invalid = 0;
        for (Path file : files) {
            try {
                SchemaDef schema = SchemaParser.parse(file);
                Layout layout = LayoutCompiler.compile(schema);
                out.printf("%s: ok: schema \"%s\" version %d, %d record%s, layout %s, region %d bytes%n", file,
                        layout.schemaName(), layout.schemaVersion(), layout.records().size(),
                        layout.records().size() == 1 ? "" : "s", Fingerprint.hex(layout.fingerprint()),
                        layout.regionLength());
                if (printLayout) {
                    printLayout(out, layout);
                }
            } catch (SchemaException e) {
                invalid++;
                e.problems().forEach(p -> err.println(p.render()));
            }
        }
        if (invalid > 0) {
            err.printf("%d of %d file%s invalid%n", invalid, files.size(), files.size() == 1 ? "" : "s");
            return ExitCodes.INVALID_INPUT;
        }
        return ExitCodes.OK;
    }

    static void printLayout(PrintWriter out, Layout layout) {
        for (RecordLayout r : layout.records()) {
            out.printf("  record %s: depth %d, payload %d bytes, slot %d bytes, block at %d (%d bytes)%n", r.name(),
                    r.depth(), r.payloadLength(), r.slotLength(), r.blockOffset(), r.blockLength());
            for (FieldLayout f : r.fields()) {
                String type = f.type().schemaName() + (f.isArray() ? "[" + f.count() + "]" : "")
                        + (f.length() > 0 ? "[" + f.length() + "]" : "") + (f.isEnum() ? " enum" : "");
                out.printf("    %6d  %5d  %-14s %s%s%n", f.offset(), f.sizeBytes(), type, f.name(),
                        f.unit().isEmpty() ? "" : " [" + f.unit() + "]");
            }
        }
    }
}
