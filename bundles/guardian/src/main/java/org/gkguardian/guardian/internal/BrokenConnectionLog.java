package org.gkguardian.guardian.internal;

import org.jgroups.logging.Log;

/**
 * The log of the crash-detection port's server. JGroups logs every connection that sent something it cannot read at
 * WARN with a stack trace ("failed handling message"), and then closes it, on the same thread. A host flooding the
 * port with garbage would so write a stack trace per connection. Here that line goes to DEBUG, and the failure is
 * kept for the close that follows, where {@link MemberOnlyFdSock} knows the peer's address and reports it to the
 * {@link RefusalLog} (one line per source per quiet period). Everything else passes through unchanged.
 */
final class BrokenConnectionLog implements Log {

    static final String FAILED_MESSAGE = "failed handling message";

    private final Log delegate;
    private final ThreadLocal<Throwable> broken = new ThreadLocal<>();

    BrokenConnectionLog(Log delegate) {
        this.delegate = delegate;
    }

    /** The failure logged on this thread just before the connection is closed, once; null when there was none. */
    Throwable takeFailure() {
        Throwable t = broken.get();
        broken.remove();
        return t;
    }

    @Override
    public void warn(String msg, Throwable throwable) {
        if (FAILED_MESSAGE.equals(msg)) {
            broken.set(throwable);
            if (delegate.isDebugEnabled()) {
                delegate.debug(msg, throwable);
            }
            return;
        }
        delegate.warn(msg, throwable);
    }

    @Override
    public boolean isFatalEnabled() {
        return delegate.isFatalEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return delegate.isErrorEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return delegate.isWarnEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return delegate.isInfoEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public void fatal(String msg) {
        delegate.fatal(msg);
    }

    @Override
    public void fatal(String format, Object... args) {
        delegate.fatal(format, args);
    }

    @Override
    public void fatal(String msg, Throwable throwable) {
        delegate.fatal(msg, throwable);
    }

    @Override
    public void error(String msg) {
        delegate.error(msg);
    }

    @Override
    public void error(String format, Object... args) {
        delegate.error(format, args);
    }

    @Override
    public void error(String msg, Throwable throwable) {
        delegate.error(msg, throwable);
    }

    @Override
    public void warn(String msg) {
        delegate.warn(msg);
    }

    @Override
    public void warn(String format, Object... args) {
        delegate.warn(format, args);
    }

    @Override
    public void info(String msg) {
        delegate.info(msg);
    }

    @Override
    public void info(String format, Object... args) {
        delegate.info(format, args);
    }

    @Override
    public void debug(String msg) {
        delegate.debug(msg);
    }

    @Override
    public void debug(String format, Object... args) {
        delegate.debug(format, args);
    }

    @Override
    public void debug(String msg, Throwable throwable) {
        delegate.debug(msg, throwable);
    }

    @Override
    public void trace(Object obj) {
        delegate.trace(obj);
    }

    @Override
    public void trace(String msg) {
        delegate.trace(msg);
    }

    @Override
    public void trace(String format, Object... args) {
        delegate.trace(format, args);
    }

    @Override
    public void trace(String msg, Throwable throwable) {
        delegate.trace(msg, throwable);
    }

    @Override
    public void setLevel(String level) {
        delegate.setLevel(level);
    }

    @Override
    public String getLevel() {
        return delegate.getLevel();
    }
}
