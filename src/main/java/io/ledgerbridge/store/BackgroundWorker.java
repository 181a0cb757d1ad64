package io.ledgerbridge.store;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A named single background thread for work an admin call starts and does not wait for (jobs, auto-resolution). */
public final class BackgroundWorker {

    private BackgroundWorker() {
    }

    public static ExecutorService named(String name) {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
