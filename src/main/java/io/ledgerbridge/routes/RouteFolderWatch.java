package io.ledgerbridge.routes;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Watches the routes folder and reloads once it has been quiet for {@code ledgerbridge.routes.quiet-period} after a
 * change. Any entry of the folder counts: a Kubernetes ConfigMap volume changes by swapping its {@code ..data} link,
 * an editor by writing a temporary file and renaming it; the reload itself compares contents and does nothing when
 * the route files are what runs.
 */
@ApplicationScoped
public class RouteFolderWatch {

    private static final Logger LOG = Logger.getLogger(RouteFolderWatch.class);

    private final RouteReloader reloader;
    private final RouteValidator validator;
    private final LedgerbridgeConfig config;
    private volatile WatchService watcher;
    private volatile Thread thread;

    RouteFolderWatch(RouteReloader reloader, RouteValidator validator, LedgerbridgeConfig config) {
        this.reloader = reloader;
        this.validator = validator;
        this.config = config;
    }

    /** Whether the folder is being watched. */
    public boolean watching() {
        return thread != null && thread.isAlive();
    }

    void start(@Observes StartupEvent started) {
        Path folder = validator.folder();
        if (!config.routes().watch() || folder == null) {
            return;
        }
        try {
            watcher = FileSystems.getDefault().newWatchService();
            folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            LOG.warnf(e, "The routes folder %s cannot be watched: route edits apply on POST /admin/routes/reload",
                    folder);
            return;
        }
        thread = new Thread(this::watch, "ledgerbridge-routes-watch");
        thread.setDaemon(true);
        thread.start();
        LOG.infof("Watching %s: route edits are validated and applied without a restart", folder);
    }

    void stop(@Observes ShutdownEvent stopping) {
        WatchService watching = watcher;
        if (watching != null) {
            try {
                watching.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void watch() {
        long quietMillis = Math.max(1, config.routes().quietPeriod().toMillis());
        try {
            while (!Thread.currentThread().isInterrupted()) {
                drain(watcher.take());
                WatchKey more;
                while ((more = watcher.poll(quietMillis, TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                try {
                    reloader.reload("file-watch", "file-watch");
                } catch (RuntimeException failed) {
                    LOG.errorf(failed, "Reloading the routes folder failed");
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }
}
