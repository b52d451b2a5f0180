"""The alternative users weigh dealerbridge against: a strict pydantic v2 model of the
myKaarma order event (``strict=True``, ``extra="forbid"``, the same patterns), with the
stringified ``payload`` parsed into typed models too (``Json[...]``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Json

# Inbound amounts carry no pattern in mykaarma/order (see its description), so none here.
Amount = str
Date = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Time = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")]
YN = Literal["Y", "N"]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Header(Strict):
    orderNumber: str
    status: Literal["O", "P", "C"]
    dmsStatus: str | None = None
    advisorNumber: str | None = None
    advisorName: str | None = None
    dealerAssociateUuid: str | None = None
    originalAssociateUUID: str | None = None
    tagNumber: str | None = None
    appointmentNumber: str | None = None
    mileageIn: str | None = None
    mileageOut: str | None = None
    orderDate: Date | None = None
    orderTime: Time | None = None
    closeDate: Date | None = None
    closeTime: Time | None = None
    promisedDate: Date | None = None
    promisedTime: Time | None = None
    voidDate: Date | None = None
    waiter: YN | None = None
    rental: YN | None = None
    payTypes: str | None = None
    invoiceTotal: Amount | None = None
    estimate: Amount | None = None
    description: str | None = None
    stockNumber: str | None = None
    invoiceURL: str | None = None
    isInternal: bool | None = None
    isVoided: bool | None = None
    mykCreatedDate: (
        Annotated[
            str,
            Field(
                pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) "
                r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
            ),
        ]
        | None
    ) = None


class Vehicle(Strict):
    uuid: str | None = None
    key: str | None = None
    vin: str | None = None
    make: str | None = None
    model: str | None = None
    color: str | None = None
    licensePlate: str | None = None


class Customer(Strict):
    uuid: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    key: str | None = None


class Estimates(Strict):
    laborEstimate: Amount | None = None
    partsEstimate: Amount | None = None
    serviceEstimate: Amount | None = None
    taxEstimate: Amount | None = None
    lubeEstimate: Amount | None = None
    miscEstimate: Amount | None = None
    subletEstimate: Amount | None = None


class Part(Strict):
    partNumber: str
    description: str | None = None
    seqNo: str | None = None
    quantityOrdered: str | None = None
    quantitySold: str | None = None
    cost: Amount | None = None
    salePrice: Amount | None = None
    saleTotal: Amount | None = None
    laborType: str | None = None


class Ccc(Strict):
    complaint: str | None = None
    complaintCode: str | None = None
    cause: str | None = None
    correction: str | None = None


class Comment(Strict):
    comment: str | None = None
    lastUpdatedBy: str | None = None
    updateDate: Date | None = None
    updateTime: Time | None = None


class Job(Strict):
    jobIdentifier: str | None = None
    jobNumberString: str | None = None
    lopSeqNumber: str | None = None
    laborOpCode: str | None = None
    laborOpCodeDesc: str | None = None
    laborType: str | None = None
    dmsLaborType: str | None = None
    serviceType: str | None = None
    jobTotal: Amount | None = None
    laborSale: Amount | None = None
    soldHours: str | None = None
    actualHours: str | None = None
    partsSale: Amount | None = None
    miscSale: Amount | None = None
    shopCharge: Amount | None = None
    bookerNo: str | None = None
    dispatchLineStatus: str | None = None
    techNos: str | None = None
    campaignCode: str | None = None
    addOnLine: YN | None = None
    estimates: Estimates | None = None
    parts: list[Part] | None = None
    ccc: Ccc | None = None
    comments: list[Comment] | None = None


class Mls(Strict):
    laborType: str | None = None
    opCode: str | None = None
    opCodeDesc: str | None = None
    failureCode: str | None = None
    salePrice: Amount | None = None
    costPrice: Amount | None = None
    saleCompany: str | None = None
    sourceCompany: str | None = None
    lineCode: str | None = None
    poNumber: str | None = None
    poCreateDate: str | None = None
    poLineID: str | None = None
    mlsType: str | None = None


class Order(Strict):
    type: str
    header: Header
    vehicle: Vehicle | None = None
    customer: Customer | None = None
    jobs: list[Job] | None = None
    mls: list[Mls] | None = None


class Payload(Strict):
    uuid: str
    order: Order


class OrderEvent(Strict):
    id: str
    timestamp: int
    dealeruuid: str
    departmentuuid: str
    type: Literal["service-orders", "appointments", "customers", "mpis", "messages"]
    payload: Json[Payload]
