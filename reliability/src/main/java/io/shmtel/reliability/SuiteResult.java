package io.shmtel.reliability;

import java.util.ArrayList;
import java.util.List;

/** What one suite measured (figures, one per line) and every pass criterion it found broken. */
public final class SuiteResult {
    private final String suite;
    private final List<String> figures = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    public SuiteResult(String suite) {
        this.suite = suite;
    }

    public String suite() {
        return suite;
    }

    public void figure(String format, Object... args) {
        String line = String.format(format, args);
        figures.add(line);
        System.out.println(suite + ": " + line);
    }

    /** Records a broken criterion unless {@code ok}. */
    public boolean check(boolean ok, String format, Object... args) {
        if (!ok) {
            String line = String.format(format, args);
            failures.add(line);
            System.out.println(suite + ": FAILED: " + line);
        }
        return ok;
    }

    public List<String> figures() {
        return figures;
    }

    public List<String> failures() {
        return failures;
    }

    public boolean passed() {
        return failures.isEmpty();
    }

    public String render() {
        StringBuilder sb = new StringBuilder("== " + suite + (passed() ? ": PASS" : ": FAIL") + "\n");
        figures.forEach(f -> sb.append("  ").append(f).append('\n'));
        failures.forEach(f -> sb.append("  FAILED: ").append(f).append('\n'));
        return sb.toString();
    }
}
