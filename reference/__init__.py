"""Reference solutions, written once, with ``# BEGIN SOLUTION`` /
``# END SOLUTION`` markers. Student stubs (``assignments/``), nbgrader
source notebooks and the student bundle are generated from these files;
none of them ever contains the marked regions."""
