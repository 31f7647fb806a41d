package io.shmtel.foxglove;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Where the bundled npm packages (WebJars) are on the classpath; versions recorded by the build. */
final class WebJar {
    static final String UPLOT = "META-INF/resources/webjars/uplot/" + version("uplot.version") + "/";

    private WebJar() {}

    private static String version(String key) {
        Properties p = new Properties();
        try (InputStream in = WebJar.class.getResourceAsStream("webjar.properties")) {
            if (in == null) {
                throw new IllegalStateException("missing webjar.properties (a broken build of shmtel-foxglove)");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty(key);
    }
}
