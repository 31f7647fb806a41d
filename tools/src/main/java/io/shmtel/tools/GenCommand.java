package io.shmtel.tools;

import io.shmtel.schema.SchemaDef;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.gen.CGenerator;
import io.shmtel.schema.gen.CppGenerator;
import io.shmtel.schema.gen.GeneratedFile;
import io.shmtel.schema.gen.JavaGenerator;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "gen", description = {
        "Generates typed code from a schema file: Java views and writers, a C11 header, or a C++17 header"
                + " (with the C header it includes).",
        "Example: shmtel gen --lang java --package com.example.arm -o src/gen schema/examples/arm.json"})
final class GenCommand implements Callable<Integer> {

    enum Lang { java, c, cpp }

    @Spec
    CommandSpec spec;

    @Option(names = "--lang", required = true, paramLabel = "java|c|cpp",
            description = "Target language: ${COMPLETION-CANDIDATES}.")
    Lang lang;

    @Option(names = "--package", paramLabel = "P",
            description = "Java package of the generated classes (default: io.shmtel.generated.<schema>).")
    String packageName;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "Output directory (created if missing).")
    Path outputDir;

    @Parameters(arity = "1", paramLabel = "FILE", description = "Schema file (JSON).")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (lang != Lang.java && packageName != null) {
            err.println("shmtel gen: --package applies to --lang java only; C names are prefixed with the schema name"
                    + (lang == Lang.cpp ? " and C++ names are in namespace shmtel::<schema>" : ""));
            return ExitCodes.INVALID_INPUT;
        }
        SchemaDef schema = SchemaParser.parse(file);
        Layout layout = LayoutCompiler.compile(schema);
        List<GeneratedFile> files;
        if (lang == Lang.java) {
            String pkg = packageName == null ? JavaGenerator.defaultPackage(layout) : packageName;
            try {
                files = new JavaGenerator(layout, pkg).generate();
            } catch (IllegalArgumentException | IllegalStateException e) {
                err.println("shmtel gen: " + e.getMessage());
                return ExitCodes.INVALID_INPUT;
            }
        } else if (lang == Lang.cpp) {
            try {
                files = new CppGenerator(layout).generate();
            } catch (IllegalArgumentException e) {
                err.println("shmtel gen: " + e.getMessage());
                return ExitCodes.INVALID_INPUT;
            }
        } else {
            files = new CGenerator(layout).generate();
        }
        for (GeneratedFile f : files) {
            try {
                out.println(f.writeTo(outputDir));
            } catch (IOException e) {
                err.println("shmtel gen: cannot write " + outputDir.resolve(f.relativePath()) + ": " + e
                        + " (check that the directory is writable and the disk not full)");
                return ExitCodes.IO_ERROR;
            }
        }
        return ExitCodes.OK;
    }
}
