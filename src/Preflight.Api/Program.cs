// PLACEHOLDER: the API host is being built (issue 3).
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.Run();

public partial class Program;
