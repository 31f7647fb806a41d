package io.shmtel.maven;

import io.shmtel.schema.SchemaException;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.SchemaProblem;
import io.shmtel.schema.gen.CGenerator;
import io.shmtel.schema.gen.GeneratedFile;
import io.shmtel.schema.gen.JavaGenerator;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates Java views and writers (and, on request, C headers) from shmtel schema files and adds
 * the Java sources to the build, so generated code needs no manual step:
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>io.shmtel</groupId>
 *   <artifactId>shmtel-maven-plugin</artifactId>
 *   <executions><execution><goals><goal>generate</goal></goals></execution></executions>
 * </plugin>
 * }</pre>
 *
 * Schemas are the {@code *.json} files of {@code src/main/shmtel} unless {@code schemas} lists them.
 * Every error of every schema fails the build, each as {@code file:line:column: /pointer: message}.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** Directory whose *.json files are schemas, when {@code schemas} is not given. */
    @Parameter(defaultValue = "${project.basedir}/src/main/shmtel")
    private File schemaDirectory;

    /** Schema files to generate from (instead of scanning {@code schemaDirectory}). */
    @Parameter
    private List<File> schemas;

    /** Java package of the generated classes; default {@code <packagePrefix>.<schema>}. */
    @Parameter
    private String packageName;

    /** With several schemas: each gets package {@code <packagePrefix>.<schema>} (when packageName is not set). */
    @Parameter(defaultValue = "io.shmtel.generated")
    private String packagePrefix;

    @Parameter(defaultValue = "${project.build.directory}/generated-sources/shmtel")
    private File outputDirectory;

    /** Also write one C header per schema into {@code cOutputDirectory}. */
    @Parameter(defaultValue = "false")
    private boolean generateC;

    @Parameter(defaultValue = "${project.build.directory}/generated-sources/shmtel-c")
    private File cOutputDirectory;

    @Parameter(property = "shmtel.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("shmtel: generation skipped");
            return;
        }
        List<Path> files = schemaFiles();
        if (files.isEmpty()) {
            getLog().warn("shmtel: no schema files (looked in " + schemaDirectory + "); nothing generated");
            return;
        }
        List<SchemaProblem> problems = new ArrayList<>();
        List<Layout> layouts = new ArrayList<>();
        Path base = project.getBasedir().toPath();
        for (Path file : files) {
            try {
                Path absolute = file.toAbsolutePath().normalize();
                layouts.add(LayoutCompiler.compile(SchemaParser.parse(absolute, base.relativize(absolute).toString())));
            } catch (SchemaException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> getLog().error(p.render()));
            throw new MojoFailureException("shmtel: " + problems.size() + " schema error"
                    + (problems.size() == 1 ? "" : "s")
                    + " (listed above)");
        }
        int written = 0;
        for (Layout layout : layouts) {
            String pkg = packageName != null ? packageName : packagePrefix + "." + layout.schemaName();
            List<GeneratedFile> generated = new ArrayList<>();
            try {
                generated.addAll(new JavaGenerator(layout, pkg).generate());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new MojoFailureException("shmtel: " + layout.source() + ": " + e.getMessage());
            }
            written += write(generated, outputDirectory.toPath());
            if (generateC) {
                written += write(new CGenerator(layout).generate(), cOutputDirectory.toPath());
            }
        }
        project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
        getLog().info("shmtel: generated " + written + " files from " + layouts.size() + " schema"
                + (layouts.size() == 1 ? "" : "s") + " into " + outputDirectory);
    }

    private List<Path> schemaFiles() throws MojoExecutionException {
        if (schemas != null && !schemas.isEmpty()) {
            List<Path> files = new ArrayList<>();
            for (File f : schemas) {
                files.add(f.toPath());
            }
            return files;
        }
        if (!schemaDirectory.isDirectory()) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(schemaDirectory.toPath())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new MojoExecutionException("shmtel: cannot list " + schemaDirectory, e);
        }
    }

    private static int write(List<GeneratedFile> files, Path dir) throws MojoExecutionException {
        for (GeneratedFile f : files) {
            try {
                Path target = dir.resolve(f.relativePath());
                // Unchanged files keep their timestamps, so incremental compilation stays incremental.
                if (!Files.exists(target) || !Files.readString(target).equals(f.content())) {
                    f.writeTo(dir);
                }
            } catch (IOException e) {
                throw new MojoExecutionException("shmtel: cannot write " + dir.resolve(f.relativePath()) + ": " + e, e);
            }
        }
        return files.size();
    }
}
