-- extract_institutions.sql: every institution, in the contract's columns and text forms.
COPY (
    SELECT inst_id, name, level
      FROM institutions
) TO STDOUT WITH (FORMAT csv, HEADER)
