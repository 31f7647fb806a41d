package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.bridge.BridgeException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ExitCodes} is the one table of exit codes: docs/cli.md's table and {@code shmtel --help} show exactly its
 * codes and meanings, and every exception type of the modules the CLI runs is listed under exactly one code.
 */
class ExitCodesTest {
    private static final Path DOC = Path.of("../docs/cli.md");
    private static final Pattern DOC_ROW = Pattern.compile("(?m)^\\| (\\d+) \\| (.*) \\|$");
    private static final String CLASS_SUFFIX = ".class";

    static Stream<Integer> codes() {
        return ExitCodes.meanings().keySet().stream();
    }

    /** docs/cli.md's exit-code table, by code. */
    static Map<Integer, String> docTable() throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("## Exit codes");
        String section = doc.substring(start, doc.indexOf("\n## ", start + 1));
        Map<Integer, String> rows = new TreeMap<>();
        Matcher row = DOC_ROW.matcher(section);
        while (row.find()) {
            assertThat(rows.put(Integer.parseInt(row.group(1)), row.group(2))).as("row %s twice", row.group(1))
                    .isNull();
        }
        return rows;
    }

    @Test
    void theDocTableHasExactlyTheCodesOfTheRegistry() throws IOException {
        assertThat(docTable().keySet()).containsExactlyElementsOf(ExitCodes.documented().keySet());
    }

    @ParameterizedTest(name = "exit {0}")
    @MethodSource("codes")
    void eachCodeReadsTheSameInTheDocAndInTheHelp(int code) throws IOException {
        assertThat(docTable().get(code)).as("docs/cli.md row %d", code).isEqualTo(ExitCodes.documented().get(code));
        String help = CliTest.run("--help").out();
        String list = help.substring(help.indexOf("Exit codes:")).replaceAll("\\s+", " ");
        String meaning = ExitCodes.meanings().get(code);
        assertThat(meaning).doesNotContain("`");
        assertThat(list).contains(" " + code + " " + meaning + " ");
    }

    /** Every exception type of the main classes on the class path (every module the CLI depends on, and tools). */
    static Stream<Class<?>> exceptionTypes() {
        Set<String> names = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("test-classes") || entry.endsWith("-tests.jar")) {
                continue;
            }
            File file = new File(entry);
            if (file.isDirectory()) {
                try (Stream<Path> classes = Files.walk(file.toPath())) {
                    classes.map(p -> file.toPath().relativize(p).toString().replace(File.separatorChar, '/'))
                            .filter(p -> p.startsWith("io/shmtel/") && p.endsWith(CLASS_SUFFIX)).forEach(names::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (file.getName().endsWith(".jar")) {
                try (JarFile jar = new JarFile(file)) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String name = e.nextElement().getName();
                        if (name.startsWith("io/shmtel/") && name.endsWith(CLASS_SUFFIX)) {
                            names.add(name);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return names.stream()
                .map(n -> n.substring(0, n.length() - CLASS_SUFFIX.length()).replace('/', '.'))
                .map(ExitCodesTest::load)
                .filter(c -> c != null && Throwable.class.isAssignableFrom(c))
                // a private exception cannot leave its class, an anonymous or local one its method
                .filter(c -> !Modifier.isPrivate(c.getModifiers()) && !c.isAnonymousClass() && !c.isLocalClass());
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ExitCodesTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // a class that needs an optional library: not an exception type of ours
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exceptionTypes")
    void eachExceptionTypeIsListedUnderOneCode(Class<?> type) {
        assertThat(ExitCodes.exceptions()).as("ExitCodes lists %s under its code", type.getName()).containsKey(type);
    }

    @Test
    void theListedTypesAreTheExceptionTypesFound() {
        assertThat(ExitCodes.exceptions().keySet()).containsExactlyInAnyOrderElementsOf(exceptionTypes().toList());
    }

    @Test
    void aTypeNotListedTakesItsNearestListedSupertypesCode() {
        assertThat(ExitCodes.of(new BridgeException("a subtype") { })).isEqualTo(ExitCodes.BRIDGE_FAILED);
        assertThat(ExitCodes.of(new OutputException("out", new IOException("disk full"))))
                .isEqualTo(ExitCodes.IO_ERROR);
        assertThat(ExitCodes.of(new IllegalStateException("a bug"))).isEqualTo(ExitCodes.INTERNAL);
    }
}
