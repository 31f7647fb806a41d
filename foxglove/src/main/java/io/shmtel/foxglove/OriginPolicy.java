package io.shmtel.foxglove;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which web pages may open a WebSocket to the server. A browser lets any page open a WebSocket to
 * any address, {@code ws://127.0.0.1:8765} included, and sends the page's origin in the handshake's
 * {@code Origin} header (the page cannot change it): a server that accepts every origin lets any web
 * site the user opens read the telemetry (cross-site WebSocket hijacking). Accepted:
 * <ul>
 * <li>no {@code Origin} header: not a browser page (Foxglove's desktop app, {@code @foxglove/ws-protocol}
 *     under Node, PlotJuggler, any program; a local program can read the regions anyway);</li>
 * <li>the server's own pages: {@code Origin} is {@code http://HOST[:PORT]} (or {@code https://}, behind
 *     a TLS proxy) with the request's {@code Host}, when HOST is an IP address, {@code localhost}
 *     (or {@code *.localhost}) or this machine's name: not any name, since a site can point its own
 *     name at 127.0.0.1 (DNS rebinding) and would then be "same-origin";</li>
 * <li>Foxglove's web app ({@link #FOXGLOVE}) and {@code file://} (apps loaded from files, such as
 *     Electron desktop apps; no web page has that origin: browsers send {@code null} for files);</li>
 * <li>the origins the user allows ({@code --allow-origin}; {@code *}: any).</li>
 * </ul>
 */
public final class OriginPolicy {
    /** Foxglove's web app, now and under its earlier name. */
    public static final List<String> FOXGLOVE = List.of("https://app.foxglove.dev", "https://studio.foxglove.dev");
    /** Allowed without being asked for: Foxglove's web app and apps loaded from files. */
    public static final List<String> DEFAULTS = List.of(FOXGLOVE.get(0), FOXGLOVE.get(1), "file://");
    /** {@code --allow-origin *}: every origin. */
    public static final String ANY = "*";

    private final Set<String> allowed;
    private final boolean any;
    /** This machine's names, looked up on first need (a name lookup can be slow on a machine without DNS). */
    private volatile Set<String> ownNames;

    OriginPolicy(List<String> extra) {
        Set<String> all = new LinkedHashSet<>(DEFAULTS);
        for (String o : extra) {
            all.add(normalise(o));
        }
        allowed = Set.copyOf(all);
        any = allowed.contains(ANY);
    }

    /**
     * Checks a value of {@code --allow-origin}: {@code *}, {@code null}, {@code file://}, or
     * {@code scheme://host[:port]} without a path. Returns it normalised (lower case, no trailing
     * slash); throws {@link IllegalArgumentException} saying what an origin looks like.
     */
    public static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (o.endsWith("/") && !o.equals("file://")) {
            o = o.substring(0, o.length() - 1);
        }
        if (o.equals(ANY) || o.equals("null") || o.equals("file://")) {
            return o;
        }
        String expected = ": an origin is scheme://host[:port], without a path (e.g. https://viewer.example.com"
                + " or http://robot.local:8765), or * for any origin";
        URI uri;
        try {
            uri = new URI(o);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--allow-origin \"" + origin + "\" is not an origin" + expected);
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null
                || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("--allow-origin \"" + origin + "\" is not an origin" + expected);
        }
        return o;
    }

    /** True when a WebSocket handshake with this {@code Origin} (null: none) and {@code Host} header may proceed. */
    boolean allows(String origin, String host) {
        if (origin == null || any) {
            return true;
        }
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (allowed.contains(o)) {
            return true;
        }
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        return (o.equals("http://" + h) || o.equals("https://" + h)) && trustedName(h);
    }

    /** A Host whose name a web site cannot own: an address, localhost, or this machine's name. */
    private boolean trustedName(String hostPort) {
        String name = hostPort;
        if (name.startsWith("[")) {
            return name.indexOf(']') > 0; // an IPv6 address
        }
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        if (name.equals("localhost") || name.endsWith(".localhost") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return true;
        }
        Set<String> own = ownNames;
        if (own == null) {
            own = ownNames = ownNames();
        }
        return own.contains(name);
    }

    private static Set<String> ownNames() {
        Set<String> names = new LinkedHashSet<>();
        try {
            InetAddress local = InetAddress.getLocalHost();
            names.add(local.getHostName().toLowerCase(Locale.ROOT));
            names.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException | SecurityException e) {
            // no name of its own: addresses and localhost only
        }
        return Set.copyOf(names);
    }
}
