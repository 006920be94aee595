package org.offlinereset;

/** What is wrong with a typed username or domain ({@code olr_name_problem_code}). */
public enum NameProblem {
    NONE, EMPTY, SURROUNDING_WHITE_SPACE, CONTROL_OR_FORMAT_CHARACTER, LINE_OR_PARAGRAPH_SEPARATOR,
    QUALIFIED_NAME, FORBIDDEN_CHARACTER, TOO_LONG;

    /** The C number (the ordinal; checked against the header by {@code HeaderTest}). */
    public int number() {
        return ordinal();
    }

    /** A short English hint saying what to fix. */
    public String hint() {
        return Native.olr_name_problem_hint(ordinal()).getString(0, "UTF-8");
    }
}
