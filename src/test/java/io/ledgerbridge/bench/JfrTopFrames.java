package io.ledgerbridge.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hottest frames of a flight recording: the method on top of each execution sample (JFR's
 * {@code jdk.ExecutionSample}, Java code running on a CPU) taken within a time window, counted, highest first.
 */
final class JfrTopFrames {

    private JfrTopFrames() {
    }

    /** A method, its samples, and their share of every sample of the window. */
    record Frame(String method, long samples, double share) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%5.1f %%  %s", share * 100, method);
        }
    }

    /** The {@code limit} methods most often on top of the samples between {@code from} and {@code to}. */
    static List<Frame> top(Path recording, Instant from, Instant to, int limit) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        long total = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                        || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)
                        || event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
                    continue;
                }
                RecordedFrame frame = event.getStackTrace().getFrames().get(0);
                RecordedMethod method = frame.getMethod();
                counts.merge(method.getType().getName() + "." + method.getName(), 1L, Long::sum);
                total++;
            }
        }
        long all = Math.max(1, total);
        List<Frame> frames = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> frames.add(new Frame(e.getKey(), e.getValue(), e.getValue() / (double) all)));
        return frames;
    }
}
