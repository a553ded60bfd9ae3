rm \
 -rf \
 /