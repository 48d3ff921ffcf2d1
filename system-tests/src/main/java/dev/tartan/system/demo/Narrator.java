package dev.tartan.system.demo;

import java.time.Duration;

import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Http;

/** Prints the demo for a person: titles, steps, HTTP calls and Kafka records, with times since the step began. */
final class Narrator {

    private final long t0 = System.nanoTime();
    private volatile long stepStart = System.nanoTime();

    synchronized void title(String title, String explanation) {
        System.out.println();
        System.out.println("== " + title + " " + "=".repeat(Math.max(3, 76 - title.length())));
        System.out.println(wrap(explanation, "   "));
        System.out.println();
    }

    synchronized void step(String what) {
        stepStart = System.nanoTime();
        System.out.printf("%n[%6.1f s] %s%n", since(t0) / 1000.0, what);
    }

    synchronized void note(String what) {
        System.out.printf("            => %s%n", what);
    }

    synchronized void http(Http.Call c) {
        String path = c.url().replaceFirst("^http://127\\.0\\.0\\.1:", ":");
        String body = c.responseBody() == null ? "" : c.responseBody().replaceAll("\\s+", " ");
        if (body.length() > 110) {
            body = body.substring(0, 107) + "...";
        }
        System.out.printf("   http  %-4s %-58s %d  %4d ms  %s%n", c.method(), path, c.status(), c.millis(), body);
    }

    synchronized void kafka(EventWatch.Seen s) {
        String type = s.type() != null ? s.type() : "(raw)";
        System.out.printf("   kafka %-30s %-40s key=%s  +%d ms%n", s.topic(), type, s.key(),
                Duration.ofNanos(s.receivedNanos() - stepStart).toMillis());
    }

    private static long since(long t) {
        return (System.nanoTime() - t) / 1_000_000;
    }

    private static String wrap(String text, String indent) {
        StringBuilder sb = new StringBuilder(indent);
        int col = indent.length();
        for (String w : text.split(" ")) {
            if (col + w.length() > 100) {
                sb.append('\n').append(indent);
                col = indent.length();
            }
            sb.append(w).append(' ');
            col += w.length() + 1;
        }
        return sb.toString();
    }
}
