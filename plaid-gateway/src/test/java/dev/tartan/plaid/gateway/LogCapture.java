package dev.tartan.plaid.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;

/** Collects what the gateway logs (message and MDC), through the same JBoss LogManager as Quarkus. */
final class LogCapture extends Handler implements AutoCloseable {

    record Line(Level level, String message, Map<String, String> mdc) {
        String all() {
            return message + " " + mdc;
        }
    }

    private final java.util.logging.Logger logger;
    private final List<Line> lines = new ArrayList<>();

    LogCapture() {
        logger = LogContext.getSystemLogContext().getLogger(CallObserver.LOG_CATEGORY);
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : new SimpleFormatter().formatMessage(record);
        Map<String, String> mdc = record instanceof ExtLogRecord ext ? Map.copyOf(ext.getMdcCopy().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())))) : Map.of();
        lines.add(new Line(record.getLevel(), message, mdc));
    }

    synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    synchronized String text() {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l.level()).append(' ').append(l.all()).append('\n'));
        return sb.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
