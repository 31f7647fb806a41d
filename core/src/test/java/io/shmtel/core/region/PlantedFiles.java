package io.shmtel.core.region;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Files a hostile local user can plant at a region name (a FIFO, here), and a bounded call: a test
 * that would hang in a blocking open of a FIFO fails after the bound instead, and the stuck thread
 * is released (the FIFO is opened read-write, which ends any open waiting for a writer).
 */
public final class PlantedFiles {
    private PlantedFiles() {}

    /** Makes a FIFO at {@code file} (mkfifo). */
    public static Path mkfifo(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", "-m", "0644", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(file)) {
            throw new IOException("mkfifo " + file + " failed: " + out);
        }
        return file;
    }

    /**
     * Runs {@code call} in a thread of its own and returns its result (or throws what it threw);
     * fails when it has not returned within {@code bound}, after releasing it from the FIFOs.
     */
    public static <T> T within(Duration bound, List<Path> fifos, Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        Thread thread = new Thread(task, "bounded call");
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            StackTraceElement[] stack = thread.getStackTrace();
            release(fifos);
            task.cancel(true);
            AssertionError failure = new AssertionError("still running after " + bound.toMillis()
                    + " ms (blocked on a planted FIFO?)");
            failure.setStackTrace(stack);
            throw failure;
        }
    }

    /** Opens each FIFO read-write and closes it: an open blocked waiting for a writer returns. */
    public static void release(List<Path> fifos) {
        for (int round = 0; round < 3; round++) {
            for (Path fifo : fifos) {
                try (FileChannel ignored = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    Thread.sleep(50);
                } catch (IOException | InterruptedException ignored) {
                    // gone already: nothing waits on it
                }
            }
        }
    }
}
