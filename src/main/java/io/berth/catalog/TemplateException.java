package io.berth.catalog;

/** A template file that cannot be used; the message names the file and the line or field at fault. */
public final class TemplateException extends Exception {
    public TemplateException(String message) {
        super(message);
    }
}
