// PLACEHOLDER: the CLI is being built (issue 2).
return 2;
