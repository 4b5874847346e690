// RpcServer
