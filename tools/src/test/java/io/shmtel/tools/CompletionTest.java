package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.testing.NativeTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completion script in a real bash (and zsh, when there is one): regions, REGION/RECORD targets and
 * fields come from the region directory, through the script calling back shmtel (here a wrapper running
 * this build's classes).
 */
@SuppressWarnings("try")
class CompletionTest {
    static final Layout ARM = LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/arm.json")));
    static final Layout SCALARS =
            LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/scalars.json")));

    @TempDir
    Path tmp;
    Path dir;
    RegionOptions options;
    Path script;
    Path shmtel;

    @BeforeEach
    void setUp() throws IOException {
        dir = ShmDirectory.create();
        options = ShmDirectory.options(dir);
        CliTest.Result completion = CliTest.run("completion", "bash");
        assertThat(completion.code()).as(completion.err()).isZero();
        script = Files.writeString(tmp.resolve("shmtel.completion"), completion.out());
        shmtel = tmp.resolve("shmtel");
        Files.writeString(shmtel, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path") + "' "
                + ShmtelCli.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(shmtel, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void tearDown() throws IOException {
        ShmDirectory.delete(dir);
    }

    /** What bash offers for the words (the last one being completed), with the environment given. */
    List<String> bash(Map<String, String> env, String... words) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "source \"$1\"; shift; COMP_WORDS=(\"$@\");"
                + " COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; _complete_shmtel;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"", "bash", script.toString(), shmtel.toString()));
        command.addAll(List.of(words));
        return run(command, env);
    }

    static List<String> run(List<String> command, Map<String, String> env) throws Exception {
        // stderr apart: called outside a TAB, compopt says "not currently executing completion function"
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("SHMTEL_DIR");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void bashCompletesRegionsRecordsAndFieldsFromTheRegionDirectory() throws Exception {
        try (Publisher arm = Publisher.create("comp_arm", ARM, options);
                Publisher scalars = Publisher.create("comp_scalars", SCALARS, options)) {
            Map<String, String> env = Map.of("SHMTEL_DIR", dir.toString());
            assertThat(bash(env, "echo", "comp_a")).containsExactly("comp_arm");
            // several records: the region, and each REGION/RECORD
            assertThat(bash(env, "echo", "")).containsExactlyInAnyOrder("comp_arm", "comp_scalars",
                    "comp_scalars/counter", "comp_scalars/reading");
            assertThat(bash(env, "stat", "comp_arm", "comp_scalars/r")).containsExactly("comp_scalars/reading");
            assertThat(bash(env, "echo", "comp_arm/")).containsExactly("comp_arm/joint_state");
            // REGION only: no records
            assertThat(bash(env, "rm", "comp_")).containsExactlyInAnyOrder("comp_arm", "comp_scalars");
            assertThat(bash(env, "inspect", "")).containsExactlyInAnyOrder("comp_arm", "comp_scalars");
            // the record's fields after --field
            assertThat(bash(env, "echo", "comp_arm", "--json", "--field", "")).containsExactly("position", "velocity",
                    "effort", "status", "frame_id");
            assertThat(bash(env, "echo", "--count", "3", "comp_arm", "--field", "ve")).containsExactly("velocity");
            // --dir on the command line, in both spellings (bash splits --dir=X at the '=')
            assertThat(bash(Map.of(), "inspect", "--dir", dir.toString(), "comp_a")).containsExactly("comp_arm");
            assertThat(bash(Map.of(), "echo", "--dir", "=", dir.toString(), "comp_s"))
                    .containsExactlyInAnyOrder("comp_scalars", "comp_scalars/counter", "comp_scalars/reading");
            assertThat(bash(Map.of("SHMTEL_DIR", tmp.toString()), "echo", "comp_")).as("another directory").isEmpty();
            // options and commands still complete; the callback stays hidden
            assertThat(bash(env, "echo", "--fie")).containsExactly("--field"); // "--fi": --fifo too
            assertThat(bash(env, "")).contains("echo", "stat", "completion").doesNotContain(CompleteCommand.NAME);
        }
    }

    @Test
    void theCallbackListsCandidatesAndNeverFails() {
        try (Publisher arm = Publisher.create("comp_arm", ARM, options)) {
            CliTest.Result regions = CliTest.run(CompleteCommand.NAME, "regions", "--dir=" + dir);
            assertThat(regions.code()).isZero();
            assertThat(regions.out()).isEqualTo("comp_arm\n");
            CliTest.Result missing = CliTest.run(CompleteCommand.NAME, "fields", "nothing/here", "--dir=" + dir);
            assertThat(missing.code()).isZero();
            assertThat(missing.out()).isEmpty();
            assertThat(missing.err()).isEmpty();
        }
    }

    @Test
    void zshCompletesRegionsThroughBashcompinit() throws Exception {
        // Looked up on the PATH the test runs it from (a fixed /usr/bin/zsh check ran a zsh the PATH did not have).
        String noZsh = NativeTools.missing("zsh", System.getenv("PATH"));
        if (noZsh != null) {
            if ("1".equals(System.getenv("SHMTEL_REQUIRE_ZSH"))) {
                throw new AssertionError("SHMTEL_REQUIRE_ZSH=1 but " + noZsh);
            }
            Assumptions.abort(noZsh + "; set SHMTEL_REQUIRE_ZSH=1 to make this a failure");
        }
        try (Publisher arm = Publisher.create("comp_arm", ARM, options);
                Publisher scalars = Publisher.create("comp_scalars", SCALARS, options)) {
            // As zsh's completion system calls a bash completion function (bashcompinit's _bash_complete and
            // compgen -F); compadd, which needs a live line editor, is left out: zsh matches the words itself.
            String zshScript = "autoload -U +X compinit && compinit -u; source \"$1\"; shift;"
                    + " words=(\"$@\"); CURRENT=$#; COMP_WORDS=(\"${words[@]}\"); COMP_CWORD=$(( CURRENT - 1 ));"
                    + " COMP_LINE=\"${words[*]}\"; COMP_POINT=${#COMP_LINE}; compgen -F _complete_shmtel -- "
                            + "\"${words[CURRENT]}\"";
            List<String> echo = run(List.of("zsh", "-f", "-c", zshScript, "zsh", script.toString(), shmtel.toString(),
                    "echo", "comp_"), Map.of("SHMTEL_DIR", dir.toString(), "HOME", tmp.toString()));
            assertThat(echo).contains("comp_arm", "comp_scalars", "comp_scalars/counter", "comp_scalars/reading");
            List<String> fields = run(List.of("zsh", "-f", "-c", zshScript, "zsh", script.toString(), shmtel.toString(),
                    "echo", "comp_arm", "--field", ""), Map.of("SHMTEL_DIR", dir.toString(), "HOME", tmp.toString()));
            assertThat(fields).contains("position", "frame_id");
        }
    }
}
