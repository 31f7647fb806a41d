package io.shmtel.tools;

import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Compatibility;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "compat", description = {
        "Tells, field by field, whether readers built from READER can read regions written with WRITER.",
        "Exit " + ExitCodes.OK + " when compatible, " + ExitCodes.INCOMPATIBLE + " when not.",
        "Example: shmtel compat arm_v1.json arm_v2.json"})
final class CompatCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "READER", description = "Schema the reader was built from.")
    Path reader;

    @Parameters(index = "1", paramLabel = "WRITER", description = "Schema the writer uses.")
    Path writer;

    @Override
    public Integer call() {
        Layout r = LayoutCompiler.compile(SchemaParser.parse(reader));
        Layout w = LayoutCompiler.compile(SchemaParser.parse(writer));
        Compatibility.Report report = Compatibility.check(r, w);
        spec.commandLine().getOut().println(report.render());
        return report.compatible() ? ExitCodes.OK : ExitCodes.INCOMPATIBLE;
    }
}
