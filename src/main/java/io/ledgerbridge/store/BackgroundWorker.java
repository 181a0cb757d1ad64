package io.ledgerbridge.store;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Named background threads for work an admin call starts and does not wait for (jobs, auto-resolution). */
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

    /** A fixed pool of {@code size} daemon threads named {@code name-1}, {@code name-2}, ... */
    public static ExecutorService pool(String name, int size) {
        AtomicInteger number = new AtomicInteger();
        return Executors.newFixedThreadPool(size, task -> {
            Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
