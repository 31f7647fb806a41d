package io.shmtel.tools;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --classpath PATH[:PATH...]}: jars and class directories with driver types and actions of one's
 * own, for every command that loads a deployment file (run, doctor, bridge run).
 */
final class ClasspathOptionMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--classpath", paramLabel = "PATH[:PATH...]", description = {"Jars and class directories with "
            + "driver types and actions of your own, each registered by a io.shmtel.config.ShmtelExtension named in "
                    + "its "
            + "META-INF/services (docs/deployment.md#driver-types-and-actions-of-your-own)."})
    String classpath;

    /** The paths of --classpath, each an existing jar or directory, absolute (a bad one is a usage error). */
    List<Path> entries() {
        List<Path> paths = new ArrayList<>();
        if (classpath == null) {
            return paths;
        }
        for (String entry : classpath.split(File.pathSeparator, -1)) {
            Path p = Path.of(entry);
            if (entry.isEmpty() || !Files.exists(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--classpath: "
                        + (entry.isEmpty() ? "empty entry in \"" + classpath + "\"" : "no such jar or directory: "
                                + entry)
                        + "; expected jars and class directories separated by '" + File.pathSeparator + "'");
            }
            if (!Files.isDirectory(p) && !Files.isReadable(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--classpath: cannot read " + entry);
            }
            paths.add(p.toAbsolutePath());
        }
        return paths;
    }

    /** The command's class loader, with the --classpath jars and directories behind it when there are any. */
    ClassLoader loader() {
        List<Path> paths = entries();
        ClassLoader parent = ClasspathOptionMixin.class.getClassLoader();
        if (paths.isEmpty()) {
            return parent;
        }
        URL[] urls = new URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = paths.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--classpath: not a usable path: "
                        + paths.get(i) + " (" + e.getMessage() + ")");
            }
        }
        return new URLClassLoader("shmtel-classpath", urls, parent);
    }
}
