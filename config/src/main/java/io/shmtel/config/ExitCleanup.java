package io.shmtel.config;

import static io.shmtel.config.DeploymentRunner.LOG;

import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOwnedException;
import io.shmtel.core.region.RegionOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The last step of stopping a deployment that says {@code removeRegionsOnExit}: removes the regions
 * this process wrote, unless a new writer took one over, and logs those it removed and those it left
 * with why.
 */
final class ExitCleanup {
    private ExitCleanup() {}

    /** Removes the regions in {@code written} it may and logs the deployment stopped, saying what it removed. */
    static void removeAndLog(Deployment deployment, RegionOptions options, Set<String> written) {
        List<String> removed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String name : written) {
            String why = removeUnlessTakenOver(name, options);
            if (why == null) {
                removed.add(name);
            } else {
                left.add(name + " (" + why + ")");
            }
        }
        for (Deployment.RegionSpec region : deployment.regions()) {
            if (!written.contains(region.name())) {
                left.add(region.name() + " (not written by this process)");
            }
        }
        LOG.log(System.Logger.Level.INFO, "deployment " + deployment.name() + ": stopped; removed "
                + (removed.isEmpty() ? "no region" : String.join(", ", removed))
                + (left.isEmpty() ? "" : "; left " + String.join(", ", left)));
    }

    /**
     * Removes a region this deployment wrote, unless another writer took it over since we closed it:
     * null when removed, else why it is left.
     */
    private static String removeUnlessTakenOver(String name, RegionOptions options) {
        try {
            return Region.removeUnowned(name, options) ? null : "its file was gone or replaced";
        } catch (RegionOwnedException e) {
            return "it has a new writer";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
