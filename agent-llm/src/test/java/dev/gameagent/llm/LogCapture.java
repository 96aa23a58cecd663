package dev.gameagent.llm;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/**
 * Records every log event while open: this module's loggers at DEBUG (through Logback) and OkHttp's
 * own {@code java.util.logging} output at its finest level, each as its formatted message followed
 * by the messages of its exception chain. Closing it restores the levels.
 */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger ours = (Logger) LoggerFactory.getLogger("dev.gameagent");
  private final Level oursBefore = ours.getLevel();
  private final java.util.logging.Logger okhttp = java.util.logging.Logger.getLogger("okhttp3");
  private final java.util.logging.Level okhttpBefore = okhttp.getLevel();
  private final List<String> okhttpRecords = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Handler okhttpHandler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      StringBuilder sb = new StringBuilder(String.valueOf(record.getMessage()));
      if (record.getParameters() != null) {
        for (Object p : record.getParameters()) {
          sb.append(' ').append(p);
        }
      }
      for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
        sb.append(" | ").append(t);
      }
      okhttpRecords.add(sb.toString());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  public LogCapture() {
    appender.start();
    ours.addAppender(appender);
    ours.setLevel(Level.DEBUG);
    okhttp.setLevel(java.util.logging.Level.ALL);
    okhttp.addHandler(okhttpHandler);
  }

  /** Every event so far: its level, logger, formatted message and exception chain. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    // AppenderBase appends while holding the appender's monitor.
    synchronized (appender) {
      for (ILoggingEvent e : appender.list) {
        StringBuilder sb = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
          sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        lines.add(sb.toString());
      }
    }
    synchronized (okhttpRecords) {
      for (String r : okhttpRecords) {
        lines.add("JUL okhttp3 " + r);
      }
    }
    return lines;
  }

  @Override
  public void close() {
    ours.detachAppender(appender);
    ours.setLevel(oursBefore);
    okhttp.removeHandler(okhttpHandler);
    okhttp.setLevel(okhttpBefore);
  }
}
